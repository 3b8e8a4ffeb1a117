/**
 * The remote functions and actor classes the tsray cases call, in the
 * hand-written spelling (`ray.remote(function f() {…})`), so the bench builds
 * with plain tspc and no transform. Worker threads import this module to find
 * them, so it must have no top-level side effects: declarations only.
 *
 * They mirror `ray_perf.py`: `small_value` returns a tiny value, `Actor` has a
 * `small_value` method, `Client` is an actor that calls other actors.
 */
import * as ray from "tsray";
import { spin } from "../cpu-work.js";

/** Ray's `small_value`: the smallest useful task (returns a number). */
export const noop = ray.remote(function noop(): number {
  return 0;
});

/** The ~250 ms CPU-bound task of the speed-up case. */
export const spinTask = ray.remote(function spinTask(iterations: number): number {
  return spin(iterations);
});

/** Receives a large array (resolved from a ref in the worker) and returns its size: a get in a worker. */
export const byteLengthOf = ray.remote(function byteLengthOf(a: Float64Array): number {
  return a.byteLength;
});

/** Ray's `Actor` with `small_value`. */
export const Server = ray.remote(
  class Server {
    small(): number {
      return 0;
    }
  },
);
export type Server = InstanceType<typeof Server>;

/** Ray's `Client` actor: calls `small` `n` times on each of its servers and waits for all. */
export const Client = ray.remote(
  class Client {
    // Public, not private: a declaration file cannot describe a private member of an exported class expression.
    constructor(readonly servers: ray.ActorHandle<Server>[]) {}
    async batch(n: number): Promise<number> {
      const refs: ray.ObjectRef<number>[] = [];
      for (const s of this.servers) for (let i = 0; i < n; i++) refs.push(s.small.remote());
      await ray.get(refs);
      return refs.length;
    }
  },
);

/** Ray's `work` task of "n:n actor calls async": `n` calls spread round-robin over `actors`. */
export const callActors = ray.remote(async function callActors(actors: ray.ActorHandle<Server>[], n: number): Promise<number> {
  const refs: ray.ObjectRef<number>[] = [];
  for (let i = 0; i < n; i++) refs.push(actors[i % actors.length]!.small.remote());
  await ray.get(refs);
  return n;
});

/** A light actor for the many-actors case: holds one number. */
export const Cell = ray.remote(
  class Cell {
    constructor(readonly value: number) {}
    get(): number {
      return this.value;
    }
  },
);

/** A Float64Array of `length` numbers, `a[i] = i * seed`, made where the task runs (a large result crossing back). */
export const makeArray = ray.remote(function makeArray(length: number, seed: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = i * seed;
  return out;
});
