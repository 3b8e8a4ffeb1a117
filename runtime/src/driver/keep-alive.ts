/**
 * Whether the driver's runtime keeps the process alive. A program that never
 * calls `ray.shutdown()` must still exit once its work is done (as Ray does
 * at driver exit, and as piscina's idle threads allow by `unref`), and must
 * not exit while work is in flight, even when nothing of the program's own
 * (a timer, an `await` at top level, a `.then`) holds the event loop.
 *
 * How: every worker (thread, child process and its channels) is unref'd for
 * its whole life (worker-client.ts), so workers never hold the process; this
 * one handle holds it instead, ref'd exactly while the runtime has work in
 * flight. What counts as work is counted in one place, the object store
 * (`MemoryStore.busy`: task and actor-call returns not settled yet, gets and
 * waits in progress), plus the few other waits the driver serves (`during`).
 * One handle toggled on the first and last piece of work is O(1), where
 * ref'ing every worker would cost one call per thread and actor per task.
 *
 * Idle actors count as nothing: an actor with no call in flight does not
 * hold the process, and ends with it.
 */
/** The longest delay a Node timer takes; the handle never fires in practice. */
const NEVER_MS = 2 ** 31 - 1;

export class KeepAlive {
  private readonly handle = setInterval(() => {}, NEVER_MS);
  private storeBusy = false;
  /** Waits in progress outside the store (`during`). */
  private waits = 0;

  constructor() {
    this.handle.unref();
  }

  /** The object store's count of work in flight went from none to some (`true`) or back (`false`). */
  storeBusyChanged(busy: boolean): void {
    this.storeBusy = busy;
    this.update();
  }

  /** Keeps the process alive until `promise` settles (e.g. a placement group's `ready()`); returns it. */
  during<T>(promise: Promise<T>): Promise<T> {
    this.waits++;
    this.update();
    const done = () => {
      this.waits--;
      this.update();
    };
    promise.then(done, done);
    return promise;
  }

  /** Ends keeping anything alive (the runtime is shut down). */
  close(): void {
    clearInterval(this.handle);
  }

  private update(): void {
    if (this.storeBusy || this.waits > 0) this.handle.ref();
    else this.handle.unref();
  }
}
