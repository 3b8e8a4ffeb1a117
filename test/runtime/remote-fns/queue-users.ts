// Tasks and actors that use a ray.Queue passed to them as its actor (hand-written spelling).
import * as ray from "tsray";

/** Takes `n` items from the queue behind `actor` and returns them. */
export const drain = ray.remote(async function drain(actor: ray.ActorHandle<ray.QueueActor>, n: number): Promise<number[]> {
  const q = await ray.Queue.attach<number>(actor);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await q.get());
  return out;
});

/** Takes `n` items from a queue passed as itself. */
export const drainQueue = ray.remote(async function drainQueue(q: ray.Queue<number>, n: number): Promise<number[]> {
  if (!(q instanceof ray.Queue)) throw new Error("not a ray.Queue");
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await q.get());
  return out;
});

/** Puts items into a queue it was given, from inside an actor. */
export const Producer = ray.remote(
  class Producer {
    async produce(actor: ray.ActorHandle<ray.QueueActor>, items: number[]): Promise<number> {
      const q = await ray.Queue.attach<number>(actor);
      for (const item of items) await q.put(item);
      return q.maxsize;
    }
    async produceInto(q: ray.Queue<number>, items: number[]): Promise<number> {
      for (const item of items) await q.put(item);
      return q.maxsize;
    }
  },
);

/** Hands the queue it was given back. */
export const echoQueue = ray.remote(function echoQueue(q: ray.Queue<number>): ray.Queue<number> {
  return q;
});
