// What the generator suites (test/runtime/generators.test.ts, test/cluster/remote-generators.test.ts)
// check the same way wherever the generator runs: values in order, the backpressure bound, how a
// cancelled generator ends. Events go through files a generator writes, never through sleeps.
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { rejection, until } from "./helpers.js";

/** A maker of fresh file paths in a new scratch directory (for logs and markers generators write). */
export function scratchFiles(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let files = 0;
  return (name) => join(dir, `${name}-${++files}`);
}

/** Lines a generator appended to `log` so far (one per value it produced). */
export const linesIn = (log: string): number => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);

export async function valuesOf<T>(gen: ray.ObjectRefGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const ref of gen) out.push(await ray.get(ref));
  return out;
}

/**
 * Consumes `gen` (a generator of 0, 1, … that logs each value to `log` as it produces it, started
 * with `bound`) and checks it reaches the bound with nothing taken and never runs more than the
 * bound ahead of what was taken; returns how many values it took.
 */
export async function consumeWithinBound(gen: ray.ObjectRefGenerator<number>, log: string, bound: number): Promise<number> {
  const produced = () => linesIn(log);
  await until(() => produced() >= bound, "the producer reaches the bound");
  let consumed = 0;
  for await (const ref of gen) {
    consumed++;
    assert.is(await ray.get(ref), consumed - 1);
    assert.ok(produced() <= consumed + bound, `produced ${produced()} with ${consumed} consumed`);
  }
  return consumed;
}

/** Takes the first value, cancels the generator, and checks how it ends: in the caller and in its worker (`closed` written by its `finally`). */
export async function cancelAfterFirst(gen: ray.ObjectRefGenerator<number>, closed: string): Promise<void> {
  const first = await gen.next();
  assert.is(await ray.get(first.value as ray.ObjectRef<number>), 0);
  ray.cancel(gen);
  const rest: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) rest.push(ref);
  await rejection(ray.get(rest[rest.length - 1]!), ray.TaskCancelledError);
  await until(() => existsSync(closed), "the generator's finally block ran (return() was called)");
}

/** Consumes `gen` (yields 1 and 2, then throws "the third value is out of range") and checks the error comes after both values. */
export async function errorAfterTwo(gen: ray.ObjectRefGenerator<number>): Promise<void> {
  const refs: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) refs.push(ref);
  assert.is(refs.length, 3);
  assert.equal(await ray.get(refs.slice(0, 2)), [1, 2]);
  const e = await rejection(ray.get(refs[2]!), ray.TaskError);
  assert.match(e.message, /the third value is out of range/);
}

/** Consumes `gen` (3 arrays of 50,000 doubles, each filled with its index) and checks every value arrives whole. */
export async function threeBigArrays(gen: ray.ObjectRefGenerator<Float64Array>): Promise<void> {
  const refs: ray.ObjectRef<Float64Array>[] = [];
  for await (const ref of gen) refs.push(ref);
  const values = await ray.get(refs);
  assert.equal(values.map((v) => [v.length, v[0], v[v.length - 1]]), [[50_000, 0, 0], [50_000, 1, 1], [50_000, 2, 2]]);
}

/**
 * Takes the first value of `gen`, SIGKILLs process `pid` (where `gen` runs, waiting after its first
 * value), and checks the iteration then ends with exactly one more ref, whose `get` rejects with
 * `cls`; the first value (kept in the dead process) rejects with `ObjectLostError`. Returns the error.
 */
export async function endsWhenKilled<E extends Error>(gen: ray.ObjectRefGenerator<unknown>, pid: number, cls: abstract new (...args: never[]) => E): Promise<E> {
  const first = await gen.next();
  assert.is(first.done, false);
  process.kill(pid, "SIGKILL");
  const rest: ray.ObjectRef[] = [];
  for await (const ref of gen) rest.push(ref);
  assert.is(rest.length, 1, "one more ref: the error");
  const died = await rejection(ray.get(rest[0]!), cls);
  await rejection(ray.get(first.value as ray.ObjectRef), ray.ObjectLostError);
  return died;
}
