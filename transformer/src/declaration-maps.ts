/**
 * Declaration maps for the generated namespace merges. In the type view they
 * sit in the footer, past the end of the user's file, so a `.d.ts.map` would
 * send "go to definition" on `add.remote` (in a consumer of the compiled
 * package) to a line the source file does not have. This `afterDeclarations`
 * transform maps each generated namespace onto its `@ray.remote` decorator.
 *
 * Given a view whose footer declares `namespace add` for the decorator at
 * 3:1, produces a `.d.ts` whose `declare namespace add { … }` maps to 3:1.
 */
import type * as ts from "typescript";
import { hasFooter, type TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";

export function createDeclarationMapTransformer(
  ts: TypeScript,
  lookup: (fileName: string) => TypeView | undefined,
): ts.TransformerFactory<ts.SourceFile | ts.Bundle> {
  return () => (node) => {
    if (!ts.isSourceFile(node)) return node;
    const view = lookup(node.fileName);
    if (!view || !hasFooter(view)) return node;
    for (const statement of node.statements) {
      const original = ts.getOriginalNode(statement);
      if (original.pos < 0 || original.end <= view.footerStart) continue;
      const block = view.footer.blocks.find((b) => original.end > b.viewStart && original.end <= b.viewEnd);
      if (!block) continue;
      ts.setSourceMapRange(statement, { pos: block.userStart, end: block.userStart + block.userLength });
      // Declaration-emitted namespaces carry no emit flags of their own to keep (public API has no getter).
      ts.setEmitFlags(statement, ts.EmitFlags.NoNestedSourceMaps);
    }
    return node;
  };
}
