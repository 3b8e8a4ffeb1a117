/**
 * The pool of task worker threads. Tasks are spread by a pure choice: the
 * thread with the fewest tasks actively running (blocked ones do not count:
 * their thread is free to run their children). A thread that exits is
 * replaced at once, and its loss is reported up through `onExit`.
 */
import type { FromWorker } from "./protocol.js";
import { WorkerClient } from "./worker-client.js";
import type { TsrayWorkerData } from "./protocol.js";

/** A pool thread plus the bookkeeping its user (the task manager) keeps on it. */
export interface PoolWorker {
  readonly client: WorkerClient;
  /** Tasks sent to this thread and not yet finished. */
  readonly tasks: Set<string>;
  /** Of those, how many are running and not blocked in `get`/`wait`. */
  active: number;
}

export interface WorkerPoolEvents {
  onMessage(worker: PoolWorker, message: FromWorker): void;
  onExit(worker: PoolWorker, exitCode: number, error: Error | undefined): void;
}

export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly byClient = new Map<WorkerClient, PoolWorker>();
  private nextIndex = 0;
  private cursor = 0;
  private closing = false;

  constructor(
    size: number,
    private readonly makeData: (index: number) => TsrayWorkerData,
    private readonly events: WorkerPoolEvents,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  /** The least busy thread (round-robin among equals). */
  pick(): PoolWorker {
    const n = this.workers.length;
    let best = this.workers[this.cursor % n]!;
    for (let k = 1; k < n && best.active > 0; k++) {
      const w = this.workers[(this.cursor + k) % n]!;
      if (w.active < best.active) best = w;
    }
    this.cursor = (this.cursor + 1) % n;
    return best;
  }

  get size(): number {
    return this.workers.length;
  }

  async terminateAll(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.client.terminate()));
  }

  private spawn(): PoolWorker {
    const client = new WorkerClient(this.makeData(this.nextIndex++), {
      onMessage: (c, m) => this.events.onMessage(this.byClient.get(c)!, m),
      onExit: (c, code, error) => this.exited(c, code, error),
    });
    const worker: PoolWorker = { client, tasks: new Set(), active: 0 };
    this.byClient.set(client, worker);
    return worker;
  }

  private exited(client: WorkerClient, code: number, error: Error | undefined): void {
    const worker = this.byClient.get(client)!;
    this.byClient.delete(client);
    const i = this.workers.indexOf(worker);
    if (!this.closing && i >= 0) this.workers[i] = this.spawn();
    this.events.onExit(worker, code, error);
  }
}
