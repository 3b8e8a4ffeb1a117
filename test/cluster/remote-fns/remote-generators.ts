// Remote generator functions of the remote-generators suite (generators on node processes). No
// top-level side effects: workers import this. Events a test waits for go through files, never sleeps.
import { appendFileSync, writeFileSync } from "node:fs";
import * as ray from "tsray";

/** Yields the id of the node it runs on, `n` times. */
export const nodeIds = ray.remote(function* nodeIds(n: number) {
  for (let i = 0; i < n; i++) yield ray.getRuntimeContext().nodeId;
});

/** Yields 0 … n-1, appending a line to `log` as it produces each one. */
export const logged = ray.remote(function* logged(n: number, log: string) {
  for (let i = 0; i < n; i++) {
    appendFileSync(log, `${i}\n`);
    yield i;
  }
});

/** Yields 1 and 2, then throws. */
export const failsAfterTwo = ray.remote(async function* failsAfterTwo() {
  yield 1;
  yield 2;
  throw new RangeError("the third value is out of range");
});

/** Yields `n` arrays of `length` doubles, array i filled with i. */
export const bigArrays = ray.remote(function* bigArrays(n: number, length: number) {
  for (let i = 0; i < n; i++) yield new Float64Array(length).fill(i);
});

/** Yields forever (a value per timer tick); `finally` writes `closed` once the generator is ended. */
export const endless = ray.remote(async function* endless(closed: string) {
  try {
    for (let i = 0; ; i++) {
      yield i;
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    writeFileSync(closed, "");
  }
});

/** Yields 0 … n-1 (for numReturns). */
export const countTo = ray.remote(function* countTo(n: number) {
  for (let i = 0; i < n; i++) yield i;
});

/** Yields one array of `length` doubles (kept on its node when large), then waits (its node is killed in the test). */
export const bigThenHangs = ray.remote(async function* bigThenHangs(length: number) {
  yield new Float64Array(length).fill(7);
  await new Promise((r) => setTimeout(r, 60_000));
  yield new Float64Array(1);
});
