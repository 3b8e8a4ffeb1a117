// Remote functions and actors for the in-process cluster suites (hand-written spelling; no
// top-level side effects): each reports the node it ran on, and the node of what it called.
import * as ray from "tsray";
import type { Counter } from "../runtime/remote-fns/actors.js";

type CounterHandle = ray.ActorHandle<InstanceType<typeof Counter>>;

export interface Where {
  /** The node the caller ran on. */
  readonly caller: string;
  /** The node the actor it called reported. */
  readonly actor: string;
  /** The actor's answer to `increment(1)`. */
  readonly count: number;
}

/** A task that calls an actor it was handed. */
export const callFromTask = ray.remote(async function callFromTask(counter: CounterHandle): Promise<Where> {
  const [me, count] = await ray.get([counter.whoAmI.remote(), counter.increment.remote(1)]);
  return { caller: ray.getRuntimeContext().nodeId, actor: me.nodeId, count };
});

/** A task that finds a named actor and calls it. */
export const callByName = ray.remote(async function callByName(name: string): Promise<Where> {
  const counter = await ray.getActor<InstanceType<typeof Counter>>(name);
  const [me, count] = await ray.get([counter.whoAmI.remote(), counter.increment.remote(1)]);
  return { caller: ray.getRuntimeContext().nodeId, actor: me.nodeId, count };
});

/** An actor that calls another actor. */
export const Relay = ray.remote(
  class Relay {
    async callThrough(counter: CounterHandle): Promise<Where> {
      const [me, count] = await ray.get([counter.whoAmI.remote(), counter.increment.remote(1)]);
      return { caller: ray.getRuntimeContext().nodeId, actor: me.nodeId, count };
    }
  },
);
