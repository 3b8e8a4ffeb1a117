// Actors and tasks of the remote-actors suite (actors on node processes; no top-level side effects: workers import this).
import * as ray from "tsray";
import { seededArray } from "./array-pattern.js";

/** A counter that says where it lives. */
export const Keeper = ray.remote(
  class Keeper {
    count = 0;
    constructor(readonly label: string) {}
    where(): { nodeId: string; actorId: string | undefined; label: string } {
      const context = ray.getRuntimeContext();
      return { nodeId: context.nodeId, actorId: context.actorId, label: this.label };
    }
    increment(by: number): number {
      this.count += by;
      return this.count;
    }
    /** `length` float64s of one pattern per `seed` (a large result kept on the node). */
    array(length: number, seed: number): Float64Array {
      return seededArray(length, seed);
    }
    async sleep(ms: number): Promise<number> {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return this.count;
    }
    fail(why: string): never {
      throw new RangeError(why);
    }
  },
);

/** An actor whose constructor throws. */
export const BrokenKeeper = ray.remote(
  class BrokenKeeper {
    constructor(why: string) {
      throw new RangeError(why);
    }
    ping(): string {
      return "pong";
    }
  },
);

type KeeperHandle = ray.ActorHandle<InstanceType<typeof Keeper>>;

/** A task that calls an actor it was handed: where it ran, where the actor is, and the count after `by`. */
export const callKeeper = ray.remote(async function callKeeper(keeper: KeeperHandle, by: number): Promise<{ caller: string; actor: string; count: number }> {
  const [me, count] = await ray.get([keeper.where.remote(), keeper.increment.remote(by)]);
  return { caller: ray.getRuntimeContext().nodeId, actor: me.nodeId, count };
});

/** A task that asks an actor it was handed for a large array (kept on the actor's node) and sums it where it runs. */
export const sumFromKeeper = ray.remote(async function sumFromKeeper(keeper: KeeperHandle, length: number): Promise<{ caller: string; length: number; sum: number }> {
  const a = await ray.get(keeper.array.remote(length, 3));
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  return { caller: ray.getRuntimeContext().nodeId, length: a.length, sum };
});
