// Actor classes for the many-actors suite (hand-written spelling; no top-level side effects).
import * as ray from "tsray";

/** A light actor: holds one number. */
export const Cell = ray.remote(
  class Cell {
    constructor(public value: number) {}
    get(): number {
      return this.value;
    }
    add(n: number): number {
      this.value += n;
      return this.value;
    }
    whoAmI(): ray.RuntimeContext {
      return ray.getRuntimeContext();
    }
    crash(): never {
      process.exit(3);
    }
  },
);

/** Light actors that share threads. */
export const SharedCell = Cell.options({ hosting: "shared" });

/** An actor whose constructor throws. */
export const BrokenCell = ray.remote(
  class BrokenCell {
    constructor() {
      throw new Error("no such cell");
    }
    get(): number {
      return 0;
    }
  },
);

/** An actor that asks for a CPU in its decorator options. */
export const CpuCell = ray.remote({ numCpus: 1 })(
  class CpuCell {
    get(): number {
      return 1;
    }
  },
);
