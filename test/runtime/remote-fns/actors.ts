// Actor classes for the runtime suites (hand-written spelling; no top-level side effects).
import { existsSync, writeFileSync } from "node:fs";
import * as ray from "tsray";

export const Counter = ray.remote(
  class Counter {
    val = 0;
    constructor(readonly cap: number) {}
    increment(inc = 1): number {
      this.val = (this.val + inc) % this.cap;
      return this.val;
    }
    read(): number {
      return this.val;
    }
    async incrementLater(inc: number): Promise<number> {
      await new Promise((r) => setImmediate(r));
      return this.increment(inc);
    }
    whoAmI(): ray.RuntimeContext {
      return ray.getRuntimeContext();
    }
    crash(): never {
      process.exit(3);
    }
    /** Ends the actor's thread the first time (creating `marker`), then returns the count. */
    crashOnce(marker: string): number {
      if (!existsSync(marker)) {
        writeFileSync(marker, "");
        process.exit(3);
      }
      return this.val;
    }
    both(): [number, number] {
      return [this.val, this.cap];
    }
    hello(): void {
      console.log(`counter at ${this.val}`);
    }
  },
);

/** Records the order calls arrive in; `append` takes its argument as a (possibly ref) value. */
export const Recorder = ray.remote(
  class Recorder {
    seen: number[] = [];
    append(x: number): number[] {
      this.seen.push(x);
      return this.seen;
    }
  },
);

/** Async methods that only finish once released, to show interleaving with maxConcurrency > 1. */
export const Gate = ray.remote(
  class Gate {
    waiters: Array<() => void> = [];
    entered = 0;
    async enter(): Promise<number> {
      this.entered++;
      await new Promise<void>((r) => this.waiters.push(r));
      return this.entered;
    }
    count(): number {
      return this.entered;
    }
    open(): number {
      const n = this.waiters.length;
      for (const w of this.waiters.splice(0)) w();
      return n;
    }
  },
);

export const Broken = ray.remote(
  class Broken {
    constructor(reason: string) {
      throw new RangeError(reason);
    }
    ping(): string {
      return "pong";
    }
  },
);

/** Calls a Counter through a handle it was given. */
export const useCounter = ray.remote(async function useCounter(counter: ray.ActorHandle<InstanceType<typeof Counter>>, inc: number): Promise<number> {
  return ray.get(counter.increment.remote(inc));
});

export const findAndUse = ray.remote(async function findAndUse(name: string, namespace: string): Promise<number> {
  const counter = await ray.getActor<InstanceType<typeof Counter>>(name, { namespace });
  return ray.get(counter.increment.remote(100));
});

export const Caller = ray.remote(
  class Caller {
    async callThrough(counter: ray.ActorHandle<InstanceType<typeof Counter>>): Promise<number> {
      return ray.get(counter.increment.remote(10));
    }
    makeCounter(): ray.ActorHandle<InstanceType<typeof Counter>> {
      return Counter.remote(1000);
    }
  },
);

export const namedActorsSeenFromTask = ray.remote(async function namedActorsSeenFromTask(): Promise<ray.NamedActor[]> {
  return ray.listNamedActors({ allNamespaces: true });
});

export const Quitter = ray.remote(
  class Quitter {
    calls = 0;
    work(): number {
      return ++this.calls;
    }
    /** Ends the actor after this call; the call's own result still arrives. */
    quit(): string {
      ray.exitActor();
      return `bye after ${this.calls}`;
    }
  },
);

export const exitOutsideActor = ray.remote(function exitOutsideActor(): string {
  try {
    ray.exitActor();
    return "no error";
  } catch (e) {
    return (e as Error).name;
  }
});
