// A module whose import fails in worker threads but not in the driver: the driver
// imports it before ray.init(), so every pool thread imports it while it starts
// (see prestart.ts), fails, and must report why on the first task that needs it.
import { isMainThread } from "node:worker_threads";
import * as ray from "tsray";

export const unloadable = ray.remote(function unloadable(): number {
  return 1;
});

if (!isMainThread) throw new Error("worker-import-failure refuses to load in a worker thread");
