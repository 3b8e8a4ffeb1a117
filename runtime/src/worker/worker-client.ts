/**
 * The driver's view of one worker thread: posts typed messages to it and
 * reports what it sends back and when it exits, through callbacks handed in
 * by the owner (pool or actor manager). Knows nothing of tasks. Messages
 * cross the port in batches (see `MessageBatcher`).
 */
import { Worker } from "node:worker_threads";
import { MessageBatcher } from "./message-batcher.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "./protocol.js";

export interface WorkerClientEvents {
  onMessage(client: WorkerClient, message: FromWorker): void;
  /** Called once, after the thread is gone. `error` is what it died of, if it threw. */
  onExit(client: WorkerClient, exitCode: number, error: Error | undefined): void;
}

const workerMainUrl = new URL("./worker-main.js", import.meta.url);

export class WorkerClient {
  readonly workerId: string;
  readonly actorId: string | undefined;
  private readonly worker: Worker;
  private lastError: Error | undefined;
  private gone = false;
  private readonly out = new MessageBatcher<ToWorker>((batch, transfer) => {
    if (!this.gone) this.worker.postMessage(batch, transfer);
  });

  constructor(data: TsrayWorkerData, events: WorkerClientEvents) {
    this.workerId = data.workerId;
    this.actorId = data.actorId;
    this.worker = new Worker(workerMainUrl, { workerData: data });
    this.worker.on("message", (batch: readonly FromWorker[]) => {
      for (const m of batch) events.onMessage(this, m);
    });
    this.worker.on("error", (e: Error) => {
      this.lastError = e;
    });
    this.worker.on("exit", (code: number) => {
      this.gone = true;
      events.onExit(this, code, this.lastError);
    });
  }

  get exited(): boolean {
    return this.gone;
  }

  /** Posts a message; buffers in `transfer` move to the thread (and are detached here). */
  post(message: ToWorker, transfer?: ArrayBuffer[]): void {
    if (this.gone) return; // the exit handler fails whatever this message was for
    this.out.post(message, transfer);
  }

  /** Stops the thread at once; `onExit` follows. */
  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
