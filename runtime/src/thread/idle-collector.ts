/**
 * Garbage collection on a worker thread that holds borrowed actor handles (handle-borrows.ts): a
 * copy a finished task dropped is only found gone when this thread's heap is collected, and an
 * idle thread may not collect for a long time, so the actor it holds would stay alive. While any
 * handle is live here, the thread collects on a timer: first soon after the borrow, then less and
 * less often (doubling up to `MAX_DELAY_MS`) while the handles stay live — an actor that keeps a
 * handle in a field costs one small collection every half minute; a new borrow starts over.
 *
 * The collection is V8's full `gc()`, exposed for this use where node was not started with
 * `--expose-gc` (the flag only adds the function to new contexts).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 30_000;

let collectGarbage: (() => void) | undefined;

function fullCollection(): void {
  collectGarbage ??=
    (globalThis as { gc?: () => void }).gc ??
    (() => {
      setFlagsFromString("--expose-gc");
      return runInNewContext("gc") as () => void;
    })();
  collectGarbage();
}

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  private delay = FIRST_DELAY_MS;

  /** `holding()`: whether anything is still worth collecting for. */
  constructor(private readonly holding: () => boolean) {}

  /** A new borrow: collect soon, and back off again from there. */
  restart(): void {
    this.delay = FIRST_DELAY_MS;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || !this.holding()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.holding()) return;
      fullCollection();
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
      // The finalizers of what was collected run after this turn; the next round finds the rest.
      this.schedule();
    }, this.delay);
    // Never what keeps a thread or process alive.
    this.timer.unref();
  }
}
