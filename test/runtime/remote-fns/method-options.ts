// Actors with @ray.method options and concurrency groups, for actor-method-options.test.ts
// (hand-written spelling with TS 5 method decorators; no top-level side effects).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ray from "tsray";

async function released(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 5));
}

async function hold(dir: string, id: string): Promise<string> {
  writeFileSync(join(dir, `started-${id}`), "");
  await released(join(dir, `release-${id}`));
  return id;
}

export const Pairs = ray.remote(
  class Pairs {
    @ray.method({ numReturns: 2 })
    pair(x: number): [number, string] {
      return [x * 2, `n${x}`];
    }
    @ray.method({ numReturns: 3 })
    async triple(): Promise<[number, number, number]> {
      return [1, 2, 3];
    }
    plain(): number[] {
      return [4, 5];
    }
    /** Calls `pair` on a handle it was given (a handle decoded in a worker keeps the method's numReturns). */
    async viaHandle(other: ray.ActorHandle<Pairs>): Promise<number> {
      const [a] = other.pair.remote(21) as unknown as ray.ObjectRef<number>[];
      return ray.get(a!);
    }
  },
);

/** The transform-free spelling: options given with `ray.method(…)(Cls.prototype, "name")` before any actor exists. */
export const Hand = ray.remote(
  class Hand {
    two(): [string, string] {
      return ["a", "b"];
    }
  },
);
ray.method({ numReturns: 2 })(Hand.prototype, "two");

/**
 * Ray's test_blocking_group_does_not_block_others: `io` and `compute` calls each wait for
 * their release file after reporting `started-<id>`; `plain` runs in the default group.
 */
export const Grouped = ray.remote({ concurrencyGroups: { io: 1, compute: 1 } })(
  class Grouped {
    constructor(readonly dir: string) {}
    @ray.method({ concurrencyGroup: "io" })
    async io(id: string): Promise<string> {
      return hold(this.dir, id);
    }
    @ray.method({ concurrencyGroup: "compute" })
    async compute(id: string): Promise<string> {
      return hold(this.dir, id);
    }
    async plain(id: string): Promise<string> {
      return hold(this.dir, id);
    }
  },
);

/** Names a group its options do not declare: refused at `.remote()`. */
export const Undeclared = ray.remote(
  class Undeclared {
    @ray.method({ concurrencyGroup: "io" })
    io(): number {
      return 1;
    }
  },
);
