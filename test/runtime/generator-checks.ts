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
