/**
 * Paces the start of worker threads so that creating many of them never
 * blocks the driver's event loop. `new Worker()` is synchronous (several ms
 * each) and a booting thread loads the runtime on a core of its own: creating
 * 1,000 actors with a thread started inside each `Cls.remote()` blocked the
 * driver 20–90 ms per actor and booted hundreds of threads at once on two
 * cores.
 *
 * A thread asks for a turn (`turn()`); the pacer grants turns in request
 * order, at most one per turn of the event loop (`setImmediate`), and only
 * while fewer than `maxBooting` granted threads have not reported themselves
 * booted (`booted()`). What is posted to a thread before its turn waits in its
 * `WorkerClient` (see its `startAfter`), so a caller never waits for a start.
 *
 * Invariant: every turn is granted once, or withdrawn by `booted()` before
 * its grant (a thread terminated before it started); `booting` counts granted
 * turns not yet booted, so a thread that never boots (it exits) still frees
 * its slot through `booted()`.
 */
import type { TsrayWorkerData } from "../protocol/thread-messages.js";
import { WorkerClient, type WorkerClientEvents, type WorkerLimits } from "./worker-client.js";

/** One thread's place in the line. */
export interface ThreadTurn {
  /** Settles when the thread may be created. */
  readonly granted: Promise<void>;
  /** The thread has loaded (or exited): another may start. Idempotent. */
  booted(): void;
}

interface Waiting {
  grant: () => void;
  state: "waiting" | "granted" | "done";
}

export class ThreadStartPacer {
  private readonly line: Waiting[] = [];
  private head = 0;
  private booting = 0;
  private scheduled = false;

  constructor(private readonly maxBooting: number) {}

  turn(): ThreadTurn {
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    const w: Waiting = { grant, state: "waiting" };
    this.line.push(w);
    this.schedule();
    return {
      granted,
      booted: () => {
        if (w.state === "done") return;
        if (w.state === "granted") this.booting--;
        // A turn withdrawn before its grant is skipped in the line; it still settles, so its waiter runs (and sees it is gone).
        else grant();
        w.state = "done";
        this.schedule();
      },
    };
  }

  /** A thread client whose thread is created at its turn; what is posted to it meanwhile waits in the client. */
  startThread(data: TsrayWorkerData, events: WorkerClientEvents, limits?: WorkerLimits): WorkerClient {
    const turn = this.turn();
    const client = new WorkerClient(data, events, undefined, turn.granted, limits);
    // `ready` also settles when the thread exits or is terminated before its turn.
    void client.ready.then(turn.booted);
    return client;
  }

  private schedule(): void {
    if (this.scheduled || this.booting >= this.maxBooting || this.head >= this.line.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.grantNext();
    });
  }

  private grantNext(): void {
    while (this.head < this.line.length && this.line[this.head]!.state !== "waiting") this.head++;
    if (this.head >= this.line.length) {
      this.line.length = 0;
      this.head = 0;
      return;
    }
    if (this.booting >= this.maxBooting) return;
    const w = this.line[this.head++]!;
    if (this.head === this.line.length) {
      this.line.length = 0;
      this.head = 0;
    }
    w.state = "granted";
    this.booting++;
    w.grant();
    this.schedule();
  }
}
