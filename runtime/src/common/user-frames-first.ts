/**
 * A task's error as the user reads it: the stack's first frames are the
 * user's, not tsray's. An error thrown by tsray inside a task (a value that
 * cannot be sent, a misused API call) has the runtime's own frames on top,
 * and the line that matters — where the user's code called in — comes after
 * them. The rebuilt error's frames are reordered: the user's first, then the
 * runtime's and Node's internals (`node:…`), each group in its own order;
 * nothing is dropped, so the full path stays readable below.
 *
 * Internal means a frame in tsray's own compiled files (this package's dist
 * folder, where this module lives) or in Node itself; every other frame is
 * the user's and keeps its place relative to the others.
 */

/** This package's compiled root (`…/dist/`): this module sits one folder below it. */
const runtimeRoot = new URL("../", import.meta.url).href;

const FRAME = /^\s+at /;

function isInternal(frame: string): boolean {
  return frame.includes(runtimeRoot) || /\(node:|at node:/.test(frame);
}

/** `stack` with the user's frames first (see above); unchanged when it has none or they are first already. */
export function userFramesFirstInStack(stack: string): string {
  const lines = stack.split("\n");
  const first = lines.findIndex((l) => FRAME.test(l));
  if (first < 0 || !isInternal(lines[first]!)) return stack;
  const user: string[] = [];
  const internal: string[] = [];
  for (let k = first; k < lines.length; k++) {
    const line = lines[k]!;
    (FRAME.test(line) && isInternal(line) ? internal : user).push(line);
  }
  if (user.length === 0) return stack;
  return [...lines.slice(0, first), ...user, ...internal].join("\n");
}

/** How deep a cause chain is followed (TaskError chains are cut far below this: see errors.ts). */
const MAX_DEPTH = 64;

/** Reorders the stacks of `error` and of its `cause` chain in place; returns `error`. */
export function userFramesFirst<E>(error: E): E {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < MAX_DEPTH; depth++) {
    try {
      const stack = e.stack;
      if (typeof stack === "string") {
        const reordered = userFramesFirstInStack(stack);
        if (reordered !== stack) Object.defineProperty(e, "stack", { value: reordered, writable: true, configurable: true });
      }
      e = e.cause;
    } catch {
      return error; // a hostile error (a getter that throws) is left as it came
    }
  }
  return error;
}
