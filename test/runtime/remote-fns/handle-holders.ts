// Remote functions and actors that hold, pass on and drop actor handles, for the actor reference
// counting suites (test/runtime/actor-borrowers.test.ts, test/cluster/remote-actor-borrowers.test.ts).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as ray from "tsray";
import { Counter } from "./actors.js";

type CounterHandle = ray.ActorHandle<InstanceType<typeof Counter>>;

/** A full collection, also where node was started without --expose-gc (a `tsray` node process). */
export function gc(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed();
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/** Collects garbage on the thread it runs on, holding the thread `ms` so concurrent calls land on different threads. */
export const collectHere = ray.remote(function collectHere(ms: number): number {
  gc();
  const end = Date.now() + ms;
  while (Date.now() < end);
  gc();
  return process.pid;
});

/** Keeps a Counter handle in a field until told to forget it. */
export const Holder = ray.remote(
  class Holder {
    held: CounterHandle | undefined;
    constructor(initial?: CounterHandle) {
      this.held = initial;
    }
    keep(counter: CounterHandle): boolean {
      this.held = counter;
      return true;
    }
    /** Returns the handle it holds, inside an object. */
    give(): { counter: CounterHandle | undefined } {
      return { counter: this.held };
    }
    async callHeld(inc: number): Promise<number> {
      if (this.held === undefined) throw new Error("Holder holds no counter");
      return ray.get(this.held.increment.remote(inc));
    }
    /** Collects garbage on its thread (handles it replaced or passed on), keeping what it holds. */
    async collect(): Promise<void> {
      for (let i = 0; i < 2; i++) {
        gc();
        await new Promise((r) => setImmediate(r));
      }
    }
    /** Ends its thread (a crash: with `maxRestarts` the actor restarts with its constructor's arguments). */
    crash(): never {
      process.exit(3);
    }
    /** Drops the handle and collects until the finalizer had a chance to run. */
    async forget(): Promise<void> {
      this.held = undefined;
      for (let i = 0; i < 5; i++) {
        gc();
        await new Promise((r) => setImmediate(r));
      }
    }
  },
);

/** Returns the handle it was given, inside an object. */
export const passOn = ray.remote(function passOn(counter: CounterHandle): { counter: CounterHandle } {
  return { counter };
});

/** Creates a Counter (no CPU, one `slot`, as the suites count them) in a task and returns its handle. */
export const makeCounter = ray.remote(function makeCounter(): { counter: CounterHandle } {
  return { counter: Counter.options({ numCpus: 0, resources: { slot: 1 } }).remote(100) };
});

/** Puts a handle inside an object and returns the ref (the object outlives the task). */
export const putHandle = ray.remote(function putHandle(counter: CounterHandle): ray.ObjectRef<{ counter: CounterHandle }> {
  return ray.put({ counter });
});

/** Passes the handle on to a child task, which calls it. */
export const relay = ray.remote(async function relay(counter: CounterHandle, inc: number): Promise<number> {
  return ray.get(useLater.remote(counter, undefined, inc));
});

/** Calls the counter once the file at `gate` exists (at once without one). */
export const useLater = ray.remote(async function useLater(counter: CounterHandle, gate: string | undefined, inc: number): Promise<number> {
  const { existsSync } = await import("node:fs");
  while (gate !== undefined && !existsSync(gate)) await new Promise((r) => setTimeout(r, 5));
  return ray.get(counter.increment.remote(inc));
});
