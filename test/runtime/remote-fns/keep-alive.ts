// Remote functions for the exit-without-shutdown fixtures (hand-written spelling; no top-level side effects).
import { writeFileSync } from "node:fs";
import * as ray from "tsray";

/** `x + y` after `ms` milliseconds: work still in flight when the program's main code has ended. */
export const slowAdd = ray.remote(async function slowAdd(ms: number, x: number, y: number): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  return x + y;
});

/** Writes `text` to `path` after `ms` milliseconds: a task whose only effect is outside the program (nobody gets its result). */
export const slowWrite = ray.remote(async function slowWrite(ms: number, path: string, text: string): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  writeFileSync(path, text);
  return text.length;
});

/** An actor whose calls can take a while. */
export const Slow = ray.remote(
  class Slow {
    calls = 0;
    async after(ms: number): Promise<number> {
      await new Promise((r) => setTimeout(r, ms));
      return ++this.calls;
    }
  },
);
