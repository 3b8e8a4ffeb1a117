// Remote generator functions and an actor with generator methods (hand-written spelling), for
// test/runtime/generators.test.ts. Events a test waits for go through files, never through sleeps.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import * as ray from "tsray";

/** Yields 0 … n-1. */
export const count = ray.remote(async function* count(n: number) {
  for (let i = 0; i < n; i++) yield i;
});

/** The same without `async`: a sync generator. */
export const countSync = ray.remote(function* countSync(n: number) {
  for (let i = 0; i < n; i++) yield i * 10;
});

/** Lets waiting callers go once `send` is called (Ray's SignalActor in its tests). */
export const Signal = ray.remote({ maxConcurrency: 16, numCpus: 0 })(
  class Signal {
    sent = false;
    readonly waiters: Array<() => void> = [];
    send(): void {
      this.sent = true;
      for (const w of this.waiters.splice(0)) w();
    }
    async wait(): Promise<void> {
      if (!this.sent) await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  },
);

/** Yields "first", waits for the signal, yields "second". */
export const gated = ray.remote(async function* gated(signal: ray.ActorHandle<InstanceType<typeof Signal>>) {
  yield "first";
  await ray.get(signal.wait.remote());
  yield "second";
});

/** A sync generator of `n` values that appends a line to `log` each time it produces one. */
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

/** Yields forever (a value per timer tick); `finally` writes `closed` once the generator is ended. */
export async function* forever(closed: string): AsyncGenerator<number> {
  try {
    for (let i = 0; ; i++) {
      yield i;
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    writeFileSync(closed, "");
  }
}

export const endless = ray.remote(async function* endless(closed: string) {
  yield* forever(closed);
});

/** The first attempt ends its worker before yielding anything (no `marker` yet); the retry yields 1, 2, 3. */
export const crashBeforeYield = ray.remote(async function* crashBeforeYield(marker: string) {
  if (!existsSync(marker)) {
    writeFileSync(marker, "");
    process.exit(1);
  }
  yield* [1, 2, 3];
});

/** Yields a value, then ends its worker; counts its attempts in `marker`. */
export const crashAfterYield = ray.remote(async function* crashAfterYield(marker: string) {
  appendFileSync(marker, "attempt\n");
  yield "before the crash";
  await new Promise((r) => setTimeout(r, 1));
  process.exit(1);
});

/** Counts its attempts in `marker`; the first throws a TypeError, before any value when `early`, else after one. */
export const throwsOnce = ray.remote(async function* throwsOnce(marker: string, early: boolean) {
  appendFileSync(marker, "attempt\n");
  const first = attempts(marker) === 1;
  if (first && early) throw new TypeError("first attempt, before any value");
  yield "a value";
  if (first) throw new TypeError("first attempt, after a value");
  yield "another value";
});

export function attempts(marker: string): number {
  return existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean).length : 0;
}

/** Consumes a generator inside a task: the sum of count(n)'s values. */
export const sumInTask = ray.remote(async function sumInTask(n: number): Promise<number> {
  let sum = 0;
  for await (const ref of count.remote(n)) sum += await ray.get(ref);
  return sum;
});

/** Yields `n` arrays of `length` doubles (a value's memory is visible to the gc program). */
export const bigArrays = ray.remote(function* bigArrays(n: number, length: number) {
  for (let i = 0; i < n; i++) yield new Float64Array(length).fill(i);
});

/** Yields the id of the node it runs on, `n` times. */
export const nodeIds = ray.remote(function* nodeIds(n: number) {
  for (let i = 0; i < n; i++) yield ray.getRuntimeContext().nodeId;
});

/** A function that is not a generator. */
export const plain = ray.remote(function plain(): number {
  return 1;
});

export const Streamer = ray.remote(
  class Streamer {
    readonly prefix: string;
    constructor(prefix: string) {
      this.prefix = prefix;
    }
    *words(n: number): Generator<string> {
      for (let i = 0; i < n; i++) yield `${this.prefix}${i}`;
    }
    async *slowWords(n: number): AsyncGenerator<string> {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setImmediate(r));
        yield `${this.prefix}${i}`;
      }
    }
    /** Yields forever; `finally` writes `closed` once the generator is ended. */
    async *endless(closed: string): AsyncGenerator<number> {
      yield* forever(closed);
    }
    /** Consumes the generator of another actor from inside this one. */
    async joined(other: ray.ActorHandle<Streamer>, n: number): Promise<string> {
      const words: string[] = [];
      for await (const ref of other.words.remote(n)) words.push(await ray.get(ref));
      return words.join(" ");
    }
    plain(): string {
      return this.prefix;
    }
  },
);

/** An actor whose calls may interleave: a paused generator must not hold up its other calls. */
export const Pump = ray.remote({ maxConcurrency: 2 })(
  class Pump {
    *numbers(n: number, log: string): Generator<number> {
      for (let i = 0; i < n; i++) {
        appendFileSync(log, `${i}\n`);
        yield i;
      }
    }
    ping(): string {
      return "pong";
    }
  },
);

/** An actor that restarts, and retries calls that were running when it died, except a generator that yielded. */
export const Fragile = ray.remote({ maxRestarts: 1, maxTaskRetries: 1 })(
  class Fragile {
    async *crashAfterOne(marker: string): AsyncGenerator<string> {
      appendFileSync(marker, "attempt\n");
      yield "before the crash";
      await new Promise((r) => setTimeout(r, 1));
      process.exit(1);
    }
    alive(): boolean {
      return true;
    }
  },
);
