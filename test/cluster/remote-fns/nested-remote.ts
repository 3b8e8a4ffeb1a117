// Remote functions of the nested-remote suite (nested tasks on node processes). No top-level side effects: workers import this.
import * as ray from "tsray";
import { seededArray } from "./array-pattern.js";

/** Where the task ran. */
export const where = ray.remote(function where(): string {
  return ray.getRuntimeContext().nodeId;
});

/** Submits `n` children from inside a task and gets them: [the parent's node, the children's nodes...]. */
export const parentOfChildren = ray.remote(async function parentOfChildren(n: number): Promise<string[]> {
  const children = Array.from({ length: n }, () => where.remote());
  return [ray.getRuntimeContext().nodeId, ...(await ray.get(children))];
});

/** `length` numbers following one pattern per `seed` (a result crossing back). */
export const pattern = ray.remote(function pattern(length: number, seed: number): Float64Array {
  return seededArray(length, seed);
});

/** Returns refs it created (a put and a child's result), of `length` numbers each, inside an array. */
export const makesRefs = ray.remote(function makesRefs(length: number): Array<ray.ObjectRef<Float64Array>> {
  return [ray.put(seededArray(length, 2)), pattern.remote(length, 3)];
});

/** Gets refs nested in its argument (not top-level arguments: the task resolves them itself). */
export const sumsNested = ray.remote(async function sumsNested(refs: Array<ray.ObjectRef<Float64Array>>): Promise<number[]> {
  const values = await ray.get(refs);
  return values.map((a) => a.reduce((s, x) => s + x, 0));
});

/** Submits a child that needs `resource` and returns where the child ran. */
export const spillsChild = ray.remote(async function spillsChild(resource: string): Promise<{ parent: string; child: string }> {
  const child = await ray.get(where.options({ resources: { [resource]: 1 } }).remote());
  return { parent: ray.getRuntimeContext().nodeId, child };
});

/** Waits far longer than any test (its node is killed meanwhile). */
export const hangs = ray.remote(async function hangs(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  return ray.getRuntimeContext().nodeId;
});

/** Returns, at once, the ref of a child that needs `resource` and never ends while the test lasts. */
export const returnsHangingChild = ray.remote(function returnsHangingChild(resource: string): Array<ray.ObjectRef<string>> {
  return [hangs.options({ resources: { [resource]: 1 } }).remote()];
});

/** The sum of an array passed as a top-level argument, and where it ran. */
export const total = ray.remote(function total(a: Float64Array): { nodeId: string; sum: number } {
  return { nodeId: ray.getRuntimeContext().nodeId, sum: a.reduce((s, x) => s + x, 0) };
});

/** Puts `length` numbers of seed 6's pattern where it runs and returns the ref (no child task). */
export const putsHere = ray.remote(function putsHere(length: number): Array<ray.ObjectRef<Float64Array>> {
  return [ray.put(seededArray(length, 6))];
});

/** Hands refs it was given (nested) on to a child that needs `resource`, and returns the child's sums. */
export const forwardsNested = ray.remote(async function forwardsNested(refs: Array<ray.ObjectRef<Float64Array>>, resource: string): Promise<number[]> {
  return ray.get(sumsNested.options({ resources: { [resource]: 1 } }).remote(refs));
});
