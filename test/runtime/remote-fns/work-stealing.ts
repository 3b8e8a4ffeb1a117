// Remote functions for the work-stealing suite: synchronous work that holds its thread (so the
// thread reads no message until it ends), reporting where and when it ran.
// No top-level side effects: worker threads import this module.
import { appendFileSync, existsSync } from "node:fs";
import { threadId } from "node:worker_threads";
import * as ray from "tsray";

/** Where (thread id) and when (wall clock, ms) a task ran. */
export interface Ran {
  readonly thread: number;
  readonly start: number;
  readonly end: number;
}

/** Holds its thread for `ms` of wall-clock time (a CPU-bound task). */
export const spin = ray.remote(function spin(ms: number): Ran {
  const start = Date.now();
  while (Date.now() - start < ms) {
    // busy
  }
  return { thread: threadId, start, end: Date.now() };
});

/** Holds its thread until the file at `path` exists; returns the thread id. */
export const spinUntilFile = ray.remote(function spinUntilFile(path: string): number {
  while (!existsSync(path)) {
    // busy
  }
  return threadId;
});

/** Appends `id` to the file `log` (one line per run), holds its thread for `ms`; returns the argument's size. */
export const recordRun = ray.remote(function recordRun(log: string, id: number, ms: number, data: Uint8Array): number {
  appendFileSync(log, `${id}\n`);
  const start = Date.now();
  while (Date.now() - start < ms) {
    // busy
  }
  return data.byteLength;
});
