// An actor whose generator methods carry @ray.method options (a concurrency group, a static
// numReturns), for generators-with-options.test.ts: generators meeting issue 13's other features.
import * as ray from "tsray";

export const Feed = ray.remote({ concurrencyGroups: { io: 1 } })(
  class Feed {
    heard: () => void = () => {};
    readonly aborted = new Promise<void>((resolve) => (this.heard = resolve));

    /**
     * Yields 1, then waits until its call's signal aborts (`ray.cancel`), and says so once it is
     * closed. A cancel that comes while the worker is between values (before it asks for the next
     * one) closes the generator at its `yield` without resuming it (docs/generators.md,
     * "Cancellation"): then only `finally` runs, with the signal aborted already.
     */
    @ray.method({ concurrencyGroup: "io" })
    async *untilCancelled(): AsyncGenerator<number> {
      const { signal } = ray.getRuntimeContext();
      try {
        yield 1;
        if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      } finally {
        if (signal.aborted) this.heard();
      }
    }

    /** A static generator: two refs, one per value. */
    @ray.method({ numReturns: 2 })
    *pair(): Generator<string> {
      yield "left";
      yield "right";
    }

    /** Streams (a generator method without options). */
    *words(n: number): Generator<string> {
      for (let i = 0; i < n; i++) yield `w${i}`;
    }

    /** Default group: resolves once `untilCancelled` heard its signal abort. */
    async heardAbort(): Promise<boolean> {
      await this.aborted;
      return true;
    }

    ping(): string {
      return "pong";
    }
  },
);

/** Uses a Feed handle it was sent: both the static generator and the streaming one keep their form. */
export const useFeed = ray.remote(async function useFeed(feed: ray.ActorHandle<InstanceType<typeof Feed>>): Promise<string[]> {
  const [a, b] = feed.pair.remote() as unknown as ray.ObjectRef<string>[];
  const out = [await ray.get(a!), await ray.get(b!)];
  for await (const ref of feed.words.remote(2)) out.push(await ray.get(ref));
  return out;
});
