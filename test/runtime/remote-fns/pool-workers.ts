// Actor classes for the ActorPool suite (hand-written spelling; no top-level side effects).
import { existsSync, writeFileSync } from "node:fs";
import * as ray from "tsray";

export const Doubler = ray.remote(
  class Doubler {
    calls = 0;
    double(x: number): number {
      this.calls++;
      return 2 * x;
    }
    /** Doubles `x` once `path` exists (then writes `path.done`): results finish in the order the test lets them go. */
    async doubleWhen(x: number, path: string): Promise<number> {
      while (!existsSync(path)) await new Promise((r) => setTimeout(r, 5));
      writeFileSync(`${path}.done`, "");
      return 2 * x;
    }
    failOn(x: number): number {
      throw new RangeError(`no double for ${x}`);
    }
    die(): never {
      process.exit(3);
    }
    count(): number {
      return this.calls;
    }
  },
);
