// Remote functions of test/runtime/generator-passing.test.ts: what an ObjectRefGenerator may and may
// not be handed to. No top-level side effects: workers import this.
import * as ray from "tsray";
import { count } from "./generators.js";

/** The values behind `refs` (refs handed over one by one as a generator gives them out). */
export const total = ray.remote(async function total(refs: ray.ObjectRef<number>[]): Promise<number> {
  let sum = 0;
  for (const value of await ray.get(refs)) sum += value;
  return sum;
});

/** Takes anything (the argument is refused before it could run). */
export const takes = ray.remote(function takes(_value: unknown): string {
  return "ran";
});

/** Returns the generator of a call it makes: refused when its result is sent back. */
export const returnsGenerator = ray.remote(function returnsGenerator(n: number): unknown {
  return count.remote(n);
});

/** An actor whose method takes anything. */
export const Sink = ray.remote(
  class Sink {
    keep(_value: unknown): string {
      return "kept";
    }
  },
);
