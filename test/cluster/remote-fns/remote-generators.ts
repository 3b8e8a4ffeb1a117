// A remote generator of the remote-generators suite (generators on node processes); the others it
// uses are test/runtime/remote-fns/generators.ts's. No top-level side effects: workers import this.
import { appendFileSync, readFileSync } from "node:fs";
import * as ray from "tsray";

/** Yields one array of `length` doubles (kept on its node when large), then waits (its node is killed in the test). */
export const bigThenHangs = ray.remote(async function* bigThenHangs(length: number) {
  yield new Float64Array(length).fill(7);
  await new Promise((r) => setTimeout(r, 60_000));
  yield new Float64Array(1);
});

/**
 * Appends a line to `marker` per attempt; the first attempt then waits before yielding anything (its
 * node is killed in the test), a later one yields the node it runs on and its attempt number.
 */
export const yieldsOnRetry = ray.remote(async function* yieldsOnRetry(marker: string) {
  appendFileSync(marker, "attempt\n");
  const attempt = readFileSync(marker, "utf8").split("\n").filter(Boolean).length;
  if (attempt === 1) await new Promise((r) => setTimeout(r, 60_000));
  yield ray.getRuntimeContext().nodeId;
  yield attempt;
});
