/**
 * The piscina worker module: the same bodies as the tsray remote functions,
 * selected per call with piscina's `name` run option. `counter` gives the
 * actor-like baseline a piece of state that lives in the thread, as an
 * actor's does.
 */
import { spin } from "../cpu-work.js";

let counter = 0;

export function noop(): number {
  return 0;
}

export function small(): number {
  counter++;
  return 0;
}

export function spinTask(iterations: number): number {
  return spin(iterations);
}

export function byteLengthOf(a: Float64Array): number {
  return a.byteLength;
}

/** piscina's default export is what `run()` calls without a name. */
export default noop;

/** Keeps `counter` observable so it is not optimised away. */
export function count(): number {
  return counter;
}
