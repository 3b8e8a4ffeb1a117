/**
 * The pool of task worker threads. Tasks are spread by a pure choice: the
 * thread with the fewest tasks actively running (blocked ones do not count:
 * their thread is free to run their children). A thread that exits is
 * replaced at once, and its loss is reported up through `onExit`.
 *
 * GPU work with `init({ gpuWorkers: "process" })` runs instead in child
 * processes whose `CUDA_VISIBLE_DEVICES` is the grant's GPU ids
 * (`processWorker`); an idle one is kept for the next grant of the same ids,
 * and one that exits is not replaced (the next grant starts a new one). Work
 * that asked for `isolation: "process"` uses the same child-process workers
 * (with no GPU ids when it was granted none), never a pool thread.
 */
import { fork } from "node:child_process";
import type { FromWorker, ToWorker } from "../protocol/thread-messages.js";
import { WorkerClient, type WorkerLimits } from "./worker-client.js";
import type { TsrayWorkerData } from "../protocol/thread-messages.js";
import type { PrestartedThread } from "./prestart.js";
import type { ClaimTable } from "../protocol/task-claims.js";
import { isModuleLoadFailure } from "../common/module-load-failure.js";

/**
 * A thread that died loading a module before it ever spoke would die the same way at once if
 * replaced at once (a tight loop of thread starts): its replacement starts after a delay that
 * doubles with each such death, from the first to the last value here, and resets at any other exit.
 */
const FAILED_START_DELAY_MS = { first: 100, max: 30_000 };

/** A pool thread plus the bookkeeping its user (the task manager) keeps on it. */
export interface PoolWorker {
  readonly client: WorkerClient;
  /** Tasks sent to this thread and not yet finished. */
  readonly tasks: Set<string>;
  /** Of those, how many are running and not blocked in `get`/`wait`. */
  active: number;
  /** Function numbers whose location this thread has been sent (see owner/function-numbers.ts). */
  readonly knownFns: Set<number>;
  /** The claim cells of tasks sent ahead to this thread (task-claims.ts), made with the first one. */
  claims?: ClaimTable;
}

export interface WorkerPoolEvents {
  onMessage(worker: PoolWorker, message: FromWorker): void;
  onExit(worker: PoolWorker, exitCode: number, error: Error | undefined): void;
  /** See `WorkerClientEvents.onPost`. */
  onPost?(client: WorkerClient, message: ToWorker): ToWorker;
}

export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly byClient = new Map<WorkerClient, PoolWorker>();
  /** Idle child-process workers by `CUDA_VISIBLE_DEVICES`. */
  private readonly idleProcesses = new Map<string, PoolWorker[]>();
  private readonly processes = new Set<PoolWorker>();
  private nextIndex = 0;
  private closing = false;
  /** The delay before replacing the next thread that fails to start (0: none failed since one spoke). */
  private failedStartDelayMs = 0;

  constructor(
    size: number,
    private readonly makeData: (index: number) => TsrayWorkerData,
    private readonly events: WorkerPoolEvents,
    prestarted: readonly PrestartedThread[] = [],
    private readonly limits: WorkerLimits = {},
  ) {
    for (const t of prestarted.slice(0, size)) {
      const worker: PoolWorker = { client: t.client, tasks: new Set(), active: 0, knownFns: new Set() };
      this.byClient.set(t.client, worker);
      this.workers.push(worker);
      t.events.attach(this.clientEvents);
    }
    for (const t of prestarted.slice(size)) void t.client.terminate();
    while (this.workers.length < size) this.workers.push(this.spawn());
  }

  private readonly clientEvents = {
    onMessage: (c: WorkerClient, m: FromWorker) => this.events.onMessage(this.byClient.get(c)!, m),
    onExit: (c: WorkerClient, code: number, error: Error | undefined) => this.exited(c, code, error),
    onPost: (c: WorkerClient, m: ToWorker) => this.events.onPost?.(c, m) ?? m,
  };

  /**
   * The least busy thread, the first among equals. Not round-robin: a
   * thread that has just finished is still awake (its core, its caches and,
   * in a VM, its vCPU), while round-robin made every sequential task wake the
   * thread that had slept longest. Concurrent tasks still spread, because a
   * thread's `active` count rises as soon as it is picked.
   */
  pick(): PoolWorker {
    let best = this.workers[0]!;
    for (let k = 1; k < this.workers.length && best.active > 0; k++) {
      const w = this.workers[k]!;
      if (w.active < best.active) best = w;
    }
    return best;
  }

  /** A child-process worker that sees exactly `gpuIds` (none: `[]`), reused if one is idle. */
  processWorker(gpuIds: readonly number[]): PoolWorker {
    const key = gpuIds.join(",");
    const idle = this.idleProcesses.get(key);
    const reused = idle?.pop();
    if (reused !== undefined && !reused.client.exited) return reused;
    const worker = this.spawn(gpuIds);
    this.processes.add(worker);
    return worker;
  }

  /** A process worker has no task left: keep it for the next grant of its GPU ids. */
  processIdle(worker: PoolWorker): void {
    const ids = worker.client.gpuIds;
    if (ids === undefined || worker.client.exited || worker.tasks.size > 0) return;
    const key = ids.join(",");
    const list = this.idleProcesses.get(key) ?? [];
    if (!list.includes(worker)) list.push(worker);
    this.idleProcesses.set(key, list);
  }

  get size(): number {
    return this.workers.length;
  }

  async terminateAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers, ...this.processes].map((w) => w.client.terminate()));
  }

  private spawn(gpuIds?: readonly number[], startAfter?: Promise<unknown>): PoolWorker {
    const client = new WorkerClient(
      this.makeData(this.nextIndex++),
      this.clientEvents,
      gpuIds === undefined ? undefined : { gpuIds, fork },
      startAfter,
      this.limits,
    );
    const worker: PoolWorker = { client, tasks: new Set(), active: 0, knownFns: new Set() };
    this.byClient.set(client, worker);
    return worker;
  }

  /**
   * When to start the replacement of a thread that exited: at once, unless it died loading a module
   * before it spoke (see FAILED_START_DELAY_MS). What is posted to the replacement meanwhile waits in
   * its client; the timer does not hold the process open (the driver's keep-alive does, while work is in flight).
   */
  private replacementDelay(client: WorkerClient, error: Error | undefined): Promise<void> | undefined {
    if (client.spoke || !isModuleLoadFailure(error)) {
      this.failedStartDelayMs = 0;
      return undefined;
    }
    const ms = (this.failedStartDelayMs = Math.min(FAILED_START_DELAY_MS.max, Math.max(FAILED_START_DELAY_MS.first, 2 * this.failedStartDelayMs)));
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }

  private exited(client: WorkerClient, code: number, error: Error | undefined): void {
    const worker = this.byClient.get(client)!;
    this.byClient.delete(client);
    const i = this.workers.indexOf(worker);
    if (!this.closing && i >= 0) this.workers[i] = this.spawn(undefined, this.replacementDelay(client, error));
    if (this.processes.delete(worker) && client.gpuIds !== undefined) {
      const idle = this.idleProcesses.get(client.gpuIds.join(","));
      const k = idle?.indexOf(worker) ?? -1;
      if (k >= 0) idle!.splice(k, 1);
    }
    this.events.onExit(worker, code, error);
  }
}
