/**
 * The driver's view of one worker: a thread (the default), or a child
 * process (`gpuIds` given: GPU work with `init({ gpuWorkers: "process" })`,
 * whose `CUDA_VISIBLE_DEVICES` is exactly those ids). Posts typed messages to
 * it and reports what it sends back and when it exits, through callbacks
 * handed in by the owner (pool or actor manager). Knows nothing of tasks.
 * Messages cross in batches (see `MessageBatcher`); a child process gets
 * them over its IPC channel with the structured-clone ("advanced")
 * serialization, so the same messages work (buffers are copied, not moved).
 */
import type { ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { MessageBatcher } from "./message-batcher.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "./protocol.js";
import { WORKER_DATA_ENV } from "./worker-data-env.js";

export interface WorkerClientEvents {
  onMessage(client: WorkerClient, message: FromWorker): void;
  /** Called once, after the worker is gone. `error` is what it died of, if it threw. */
  onExit(client: WorkerClient, exitCode: number, error: Error | undefined): void;
  /**
   * Sees every message posted to the worker and returns what to send (the
   * same message, or a copy fit for it): the driver pins object-store memory
   * a message shares with a thread here (object-store/thread-slab-pins.ts).
   */
  onPost?(client: WorkerClient, message: ToWorker): ToWorker;
}

const workerMainUrl = new URL("./worker-main.js", import.meta.url);

/** The one message a worker sends unasked, alone in its batch: its runtime is loaded. Never passed on. */
export const READY = "ready";
export interface ReadyMessage {
  readonly t: typeof READY;
}


/**
 * A child-process worker: the GPU ids it sees, and `child_process.fork`, handed in by
 * its creator (the driver's runtime) so that this module does not load child_process
 * (≈ 5–15 ms) before `ray.init()` starts the pool's first thread.
 */
export interface ProcessWorkerSpec {
  readonly gpuIds: readonly number[];
  readonly fork: typeof fork;
}

export class WorkerClient {
  readonly workerId: string;
  readonly actorId: string | undefined;
  /** Set for a child-process worker: its `CUDA_VISIBLE_DEVICES` ids. */
  readonly gpuIds: readonly number[] | undefined;
  /** A thread, which shares memory with the driver; false for a child process. */
  readonly isThread: boolean;
  private worker: Worker | undefined;
  private readonly child: ChildProcess | undefined;
  private cancelStart: () => void = () => {};
  private lastError: Error | undefined;
  private gone = false;
  private exitPromise: Promise<number> | undefined;
  /** Batches posted to a thread whose start is deferred, sent once it exists. */
  private held: Array<[readonly ToWorker[], ArrayBuffer[] | undefined]> | undefined;
  private readonly out = new MessageBatcher<ToWorker>((batch, transfer) => {
    if (this.gone) return;
    if (this.worker !== undefined) this.worker.postMessage(batch, transfer);
    else if (this.held !== undefined) this.held.push([batch, transfer]);
    else this.child!.send(batch as ToWorker[]);
  });
  private markReady: () => void = () => {};
  /** Settles when the worker has loaded its runtime and listens (or has exited). */
  readonly ready: Promise<void> = new Promise((resolve) => (this.markReady = resolve));

  /**
   * `startAfter` (threads only): the thread is created once it settles; what is
   * posted before waits here (used to stagger the pool's boot, see prestart.ts).
   */
  constructor(
    data: TsrayWorkerData,
    private readonly events: WorkerClientEvents,
    processSpec?: ProcessWorkerSpec,
    startAfter?: Promise<unknown>,
  ) {
    this.workerId = data.workerId;
    this.actorId = data.actorId;
    const gpuIds = processSpec?.gpuIds;
    this.gpuIds = gpuIds;
    this.isThread = processSpec === undefined;
    const onBatch = (batch: readonly FromWorker[]) => {
      if (batch.length === 1 && (batch[0] as unknown as ReadyMessage).t === READY) return this.markReady();
      for (const m of batch) events.onMessage(this, m);
    };
    if (processSpec === undefined) {
      let startExit!: (code: number) => void;
      this.exitPromise = new Promise((resolve) => (startExit = resolve));
      const exited = (code: number) => {
        if (this.gone) return;
        this.gone = true;
        this.held = undefined;
        this.markReady();
        events.onExit(this, code, this.lastError);
        startExit(code);
      };
      const start = () => {
        if (this.gone) return;
        const worker = new Worker(workerMainUrl, { workerData: data });
        this.worker = worker;
        worker.on("message", onBatch);
        worker.on("error", (e: Error) => {
          this.lastError = e;
        });
        worker.on("exit", exited);
        const held = this.held ?? [];
        this.held = undefined;
        for (const [batch, transfer] of held) worker.postMessage(batch, transfer);
      };
      this.cancelStart = () => exited(0);
      if (startAfter === undefined) start();
      else {
        this.held = [];
        startAfter.then(start, start);
      }
      return;
    }
    const child = processSpec.fork(fileURLToPath(workerMainUrl), [], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        TSRAY_WORKER: "1",
        [WORKER_DATA_ENV]: JSON.stringify(data),
        CUDA_VISIBLE_DEVICES: processSpec.gpuIds.join(","),
      },
    });
    this.child = child;
    child.on("message", (batch) => onBatch(batch as readonly FromWorker[]));
    child.on("error", (e: Error) => {
      this.lastError = e;
    });
    this.exitPromise = new Promise((resolve) =>
      child.on("exit", (code, signal) => {
        this.gone = true;
        this.markReady();
        const exitCode = code ?? (signal !== null ? 1 : 0);
        events.onExit(this, exitCode, this.lastError);
        resolve(exitCode);
      }),
    );
  }

  get exited(): boolean {
    return this.gone;
  }

  /** Posts a message; buffers in `transfer` move to a thread (and are detached here); a process gets copies. */
  post(message: ToWorker, transfer?: ArrayBuffer[]): void {
    if (this.gone) return; // the exit handler fails whatever this message was for
    const sent = this.events.onPost?.(this, message) ?? message;
    this.out.post(sent, this.gpuIds === undefined ? transfer : undefined);
  }

  /** Stops the worker at once; `onExit` follows. */
  terminate(): Promise<number> {
    if (this.worker !== undefined) return this.worker.terminate();
    if (this.gpuIds === undefined) {
      this.cancelStart(); // not started yet
      return this.exitPromise!;
    }
    if (!this.gone) this.child!.kill("SIGKILL");
    return this.exitPromise!;
  }
}
