// A module that falls into the entry-module trap on purpose: its top-level
// code calls .remote() whenever a runtime is up, which in a worker thread
// importing this module would re-run the program's work in every worker.
import * as ray from "tsray";

export const triple = ray.remote(function triple(x: number): number {
  return 3 * x;
});

if (ray.isInitialized()) triple.remote(1);
