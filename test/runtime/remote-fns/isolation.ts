// Remote functions for the worker isolation and worker crash suites (hand-written spelling; no top-level side effects).
import { appendFileSync } from "node:fs";
import * as ray from "tsray";

/** The process the task runs in. */
export const whereAmI = ray.remote(function whereAmI(): number {
  return process.pid;
});

/** Keeps allocating small arrays until its worker's heap limit ends it; appends a line to `attempts` per attempt. */
export const hogHeap = ray.remote(function hogHeap(attempts: string): number {
  appendFileSync(attempts, "attempt\n");
  // Many small allocations, not one huge one: see nodejs/node#47224 in docs/architecture.md.
  const kept: number[][] = [];
  for (let i = 0; ; i++) kept.push(new Array<number>(1000).fill(i));
});

/**
 * Grows one array until the heap limit: its backing store is one ever larger allocation, which under
 * a thread's resourceLimits aborts the whole process (nodejs/node#47224); a child process contains it.
 */
export const hogOneArray = ray.remote(function hogOneArray(): number {
  const one: number[] = [];
  for (let i = 0; ; i++) one.push(i);
});

/** Ends its process as a native crash would (SIGABRT): in a thread this would take the driver with it. */
export const abortProcess = ray.remote(function abortProcess(): number {
  process.abort();
});

/** Returns at once, leaving a timer that throws after the task finished (its worker is idle by then). */
export const throwLater = ray.remote(function throwLater(message: string): number {
  setTimeout(() => {
    throw new Error(message);
  }, 0);
  return 1;
});

/** An actor whose methods report its process and can outgrow the heap. */
export const Host = ray.remote(
  class Host {
    pid(): number {
      return process.pid;
    }
    hog(): number {
      const kept: number[][] = [];
      for (let i = 0; ; i++) kept.push(new Array<number>(1000).fill(i));
    }
  },
);
