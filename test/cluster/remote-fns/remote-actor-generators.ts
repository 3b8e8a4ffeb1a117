// An actor with generator methods for the remote-actor-generators suite (generator methods of actors
// on node processes). No top-level side effects: workers import this. Events go through files.
import { appendFileSync, readFileSync } from "node:fs";
import * as ray from "tsray";
import { forever } from "../../runtime/remote-fns/generators.js";

export const Stream = ray.remote({ maxConcurrency: 2 })(
  class Stream {
    constructor(readonly label: string) {}
    /** Yields `${label}:${i}@${nodeId}` for i in 0 … n-1. */
    *tagged(n: number): Generator<string> {
      const nodeId = ray.getRuntimeContext().nodeId;
      for (let i = 0; i < n; i++) yield `${this.label}:${i}@${nodeId}`;
    }
    /** Yields 0 … n-1, appending a line to `log` as it produces each. */
    *logged(n: number, log: string): Generator<number> {
      for (let i = 0; i < n; i++) {
        appendFileSync(log, `${i}\n`);
        yield i;
      }
    }
    /** Yields 1 and 2, then throws. */
    *failsAfterTwo(): Generator<number> {
      yield 1;
      yield 2;
      throw new RangeError("the third value is out of range");
    }
    /** Yields `n` arrays of `length` doubles filled with their index (kept on the node when large). */
    *bigArrays(n: number, length: number): Generator<Float64Array> {
      for (let i = 0; i < n; i++) yield new Float64Array(length).fill(i);
    }
    /** Yields forever; `finally` writes `closed` once the generator is ended. */
    async *endless(closed: string): AsyncGenerator<number> {
      yield* forever(closed);
    }
    /** Yields one large array, then waits (its node is killed in the test). */
    async *bigThenHangs(length: number): AsyncGenerator<Float64Array> {
      yield new Float64Array(length).fill(7);
      await new Promise((r) => setTimeout(r, 60_000));
      yield new Float64Array(1);
    }
    where(): string {
      return ray.getRuntimeContext().nodeId;
    }
  },
);

type StreamHandle = ray.ActorHandle<InstanceType<typeof Stream>>;

/** A task that consumes an actor's generator method where it runs (a caller that does not own the actor). */
export const consumeStream = ray.remote(async function consumeStream(stream: StreamHandle, n: number): Promise<{ caller: string; values: string[] }> {
  const values: string[] = [];
  for await (const ref of stream.tagged.remote(n)) values.push(await ray.get(ref));
  return { caller: ray.getRuntimeContext().nodeId, values };
});

/**
 * A task that consumes an actor's bounded generator method (`logged`, bound `bound`) where it runs:
 * the values, and the most values the actor had produced ahead of what the task had taken.
 */
export const consumeBounded = ray.remote(async function consumeBounded(stream: StreamHandle, n: number, log: string, bound: number): Promise<{ values: number[]; maxAhead: number }> {
  const values: number[] = [];
  let maxAhead = 0;
  for await (const ref of stream.logged.options({ generatorBackpressureNumObjects: bound }).remote(n, log)) {
    values.push(await ray.get(ref));
    maxAhead = Math.max(maxAhead, readFileSync(log, "utf8").split("\n").filter(Boolean).length - values.length);
  }
  return { values, maxAhead };
});
