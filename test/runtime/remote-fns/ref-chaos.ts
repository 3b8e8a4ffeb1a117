// Remote functions for the randomized actor reference counting test
// (fixtures/runtime/actor-refcount-chaos-program.mjs): tasks that call a counter now, after a gate
// opens, or through a child task, and a keyed gate the driver opens. A gated task waits inside
// `ray.get`, so it lends its CPU and never holds up other tasks (no deadlock, no timing).
import * as ray from "tsray";
import { Counter } from "./actors.js";
import { Holder, passOn } from "./handle-holders.js";

type CounterHandle = ray.ActorHandle<InstanceType<typeof Counter>>;
type HolderHandle = ray.ActorHandle<InstanceType<typeof Holder>>;

/** Lets the callers of `wait(key)` go once `open(key)` is called (before or after they wait). */
export const Gate = ray.remote({ maxConcurrency: 1000, numCpus: 0 })(
  class Gate {
    readonly opened = new Set<string>();
    readonly waiters = new Map<string, Array<() => void>>();
    open(key: string): void {
      this.opened.add(key);
      for (const w of this.waiters.get(key) ?? []) w();
      this.waiters.delete(key);
    }
    async wait(key: string): Promise<void> {
      if (this.opened.has(key)) return;
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(key);
        if (list === undefined) this.waiters.set(key, [resolve]);
        else list.push(resolve);
      });
    }
  },
);

type GateHandle = ray.ActorHandle<InstanceType<typeof Gate>>;

/** Calls the counter once `gate` opens `key` (at once without a gate). */
export const useAfter = ray.remote(async function useAfter(counter: CounterHandle, gate: GateHandle | undefined, key: string, inc: number): Promise<number> {
  if (gate !== undefined) await ray.get(gate.wait.remote(key));
  return ray.get(counter.increment.remote(inc));
});

/** Hands the counter to a child task (`useAfter`) and returns what it returned. */
export const relayAfter = ray.remote(async function relayAfter(counter: CounterHandle, gate: GateHandle | undefined, key: string, inc: number): Promise<number> {
  return ray.get(useAfter.remote(counter, gate, key, inc));
});

/** Calls counter `i` inside an object (a put object passed by its ref: the task gets its value). */
export const useBoxed = ray.remote(async function useBoxed(box: { counters: CounterHandle[] }, i: number, inc: number): Promise<number> {
  return ray.get(box.counters[i]!.increment.remote(inc));
});

/**
 * Calls the counter; `ready` is a ref the driver resolves first (a gate's `wait`), so until it is
 * ready the task is not sent to a thread: only its encoded arguments carry the handle meanwhile.
 */
export const useWhenReady = ray.remote(async function useWhenReady(counter: CounterHandle, ready: void, inc: number): Promise<number> {
  void ready;
  return ray.get(counter.increment.remote(inc));
});

/** Returns the handle inside an object, after a child task (`passOn`) returned it so (decoded here, written again). */
export const passOnVia = ray.remote(async function passOnVia(counter: CounterHandle): Promise<{ counter: CounterHandle }> {
  return ray.get(passOn.remote(counter));
});

/** Gives the handle to a Holder from inside a task (the call's arguments are written on a worker thread). */
export const keepIn = ray.remote(async function keepIn(holder: HolderHandle, counter: CounterHandle): Promise<boolean> {
  return ray.get(holder.keep.remote(counter));
});

/** Streams the handle back `times` times, each inside an object (a streaming generator's values). */
export const yieldBack = ray.remote(async function* yieldBack(counter: CounterHandle, times: number) {
  for (let i = 0; i < times; i++) yield { counter };
});

/** Streams the handle once, then the rest of `times` once `gate` opens `key`. */
export const yieldBackAfter = ray.remote(async function* yieldBackAfter(counter: CounterHandle, gate: GateHandle, key: string, times: number) {
  yield { counter };
  await ray.get(gate.wait.remote(key));
  for (let i = 1; i < times; i++) yield { counter };
});
