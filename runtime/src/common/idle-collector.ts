/**
 * Garbage collection for actor reference counting: a dropped actor handle is only found gone when
 * its thread's heap is collected, and an idle thread (a worker after its task, a driver awaiting
 * work that needs the dropped actor's resources) may not collect for a long time, so the actor
 * would stay alive. While there is something to find (`holding()`), the thread collects on a
 * timer: first soon after `restart` (on a worker thread, when the owner asks: borrowers alone hold
 * an actor it borrows, thread/handle-borrows.ts; on the owner, a new counted actor:
 * owner/actor-holds.ts), then less and less often (doubling up to
 * `maxDelayMs`) — an actor that keeps a handle in a field costs one small collection every half
 * minute. Ray collects for the same reason (its Python workers' `gc.collect()` under pressure).
 * Only an idle thread is collected: one that had work since the last round (`active`) waits a round
 * more — a busy thread allocates, and V8 collects it on its own (a forced collection in the middle
 * of a burst of calls cost the n:n actor benchmark a third of its throughput).
 *
 * The collection is V8's full `gc()`, exposed for this use where node was not started with
 * `--expose-gc` (the flag only adds the function to new contexts).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const FIRST_DELAY_MS = 50;

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
  /** Work came since the last round (`active()`). */
  private wasActive = false;

  /** `holding()`: whether anything is still worth collecting for. */
  constructor(
    private readonly holding: () => boolean,
    private readonly maxDelayMs: number,
  ) {}

  /** The thread had work (a message, a call): no collection this round. */
  active(): void {
    this.wasActive = true;
  }

  /** Something new may be garbage: collect soon, and back off again from there. */
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
      if (this.wasActive) {
        this.wasActive = false;
        return this.schedule();
      }
      fullCollection();
      this.delay = Math.min(this.delay * 2, this.maxDelayMs);
      // The finalizers of what was collected run after this turn; the next round finds the rest.
      this.schedule();
    }, this.delay);
    // Never what keeps a thread or process alive.
    this.timer.unref();
  }
}
