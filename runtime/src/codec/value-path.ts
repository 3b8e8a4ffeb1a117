/**
 * Paths inside a value, written as the JavaScript expression that reaches the
 * spot from the root (`value.items[3]`, `value.get("k")`, `[...value][2]`), for
 * error messages. Segments are collected leaf first while a refusal travels
 * back up the walk, and formatted only when a message is built.
 */

/** One step from a container to a child. */
export type PathSegment =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "mapValue"; readonly key: unknown; readonly position: number }
  | { readonly kind: "mapKey"; readonly position: number }
  | { readonly kind: "setItem"; readonly position: number };

const identifier = /^[A-Za-z_$][\w$]*$/;

/** Formats segments given root first. */
export function formatPath(root: string, rootFirst: readonly PathSegment[]): string {
  let expr = root;
  for (const segment of rootFirst) {
    switch (segment.kind) {
      case "key":
        expr += identifier.test(segment.key) ? `.${segment.key}` : `[${JSON.stringify(segment.key)}]`;
        break;
      case "index":
        expr += `[${segment.index}]`;
        break;
      case "mapValue":
        expr += `.get(${describeMapKey(segment.key, segment.position, expr)})`;
        break;
      case "mapKey":
        expr = `[...${expr}.keys()][${segment.position}]`;
        break;
      case "setItem":
        expr = `[...${expr}][${segment.position}]`;
        break;
    }
  }
  return expr;
}

function describeMapKey(key: unknown, position: number, mapExpr: string): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
    case "boolean":
    case "undefined":
      return String(key);
    case "bigint":
      return `${key}n`;
    default:
      return key === null ? "null" : `[...${mapExpr}.keys()][${position}]`;
  }
}
