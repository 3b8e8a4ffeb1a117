// Remote functions of the objects-between-nodes suite. No top-level side effects: workers import this.
import * as ray from "tsray";
import { isSeededArray, seededArray } from "./array-pattern.js";

/** `length` numbers following one pattern per `seed`, made where the task runs. */
export const makeArray = ray.remote(function makeArray(length: number, seed: number): Float64Array {
  return seededArray(length, seed);
});

export interface Checked {
  readonly nodeId: string;
  readonly length: number;
  /** Every number is the one `makeArray` put there. */
  readonly intact: boolean;
}

/** Checks an array made by `makeArray(length, seed)`, and says where it ran. */
export const checkArray = ray.remote(function checkArray(a: Float64Array, seed: number): Checked {
  return { nodeId: ray.getRuntimeContext().nodeId, length: a.length, intact: isSeededArray(a, seed) };
});

/** `checkArray` of an array the task gets itself (a nested ref: the driver does not resolve it). */
export const checkNested = ray.remote(async function checkNested(box: { ref: ray.ObjectRef<Float64Array> }, seed: number): Promise<Checked> {
  const a = await ray.get(box.ref);
  return { nodeId: ray.getRuntimeContext().nodeId, length: a.length, intact: isSeededArray(a, seed) };
});

/** An actor that checks arrays: its constructor's and its calls' arguments are resolved by the actor manager. */
export const Checker = ray.remote(
  class Checker {
    constructor(readonly first: Float64Array) {}
    firstLength(): number {
      return this.first.length;
    }
    check(a: Float64Array, seed: number): boolean {
      return isSeededArray(a, seed);
    }
    /** Gets a nested ref itself (the owner does not resolve it): where it runs, and whether the array is intact. */
    async checkNested(box: { ref: ray.ObjectRef<Float64Array> }, seed: number): Promise<Checked> {
      const a = await ray.get(box.ref);
      return { nodeId: ray.getRuntimeContext().nodeId, length: a.length, intact: isSeededArray(a, seed) };
    }
  },
);
