// Remote functions for long chains of dependent and nested tasks.
// No top-level side effects: worker threads import this module.
import * as ray from "tsray";

export const inc = ray.remote(function inc(x: number): number {
  return x + 1;
});

export const failRoot = ray.remote(function failRoot(message: string): never {
  throw new RangeError(message);
});

/** Resolves once the file at `path` exists, so a chain's root stays pending until the test cancels it. */
export const holdRoot = ray.remote(async function holdRoot(path: string): Promise<number> {
  const { existsSync } = await import("node:fs");
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 5));
  return 0;
});

/**
 * `levels` tasks deep: each level submits the next and lets its error through
 * (`ray.get` rethrows); the innermost throws a RangeError.
 */
export const nestFail = ray.remote(async function nestFail(levels: number, message: string): Promise<number> {
  if (levels <= 1) throw new RangeError(message);
  return ray.get(nestNext(levels - 1, message));
});

/** The next level (a module-level function: inside `nestFail` its own name is the plain function). */
function nestNext(levels: number, message: string): ray.ObjectRef<number> {
  return nestFail.options({ numCpus: 0 }).remote(levels, message);
}
