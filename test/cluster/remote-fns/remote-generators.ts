// A remote generator of the remote-generators suite (generators on node processes); the others it
// uses are test/runtime/remote-fns/generators.ts's. No top-level side effects: workers import this.
import * as ray from "tsray";

/** Yields one array of `length` doubles (kept on its node when large), then waits (its node is killed in the test). */
export const bigThenHangs = ray.remote(async function* bigThenHangs(length: number) {
  yield new Float64Array(length).fill(7);
  await new Promise((r) => setTimeout(r, 60_000));
  yield new Float64Array(1);
});
