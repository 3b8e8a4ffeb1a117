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
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { MessageBatcher } from "./message-batcher.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "./protocol.js";
import { WORKER_DATA_ENV } from "./worker-data-env.js";

export interface WorkerClientEvents {
  onMessage(client: WorkerClient, message: FromWorker): void;
  /** Called once, after the worker is gone. `error` is what it died of, if it threw. */
  onExit(client: WorkerClient, exitCode: number, error: Error | undefined): void;
}

const workerMainUrl = new URL("./worker-main.js", import.meta.url);


export class WorkerClient {
  readonly workerId: string;
  readonly actorId: string | undefined;
  /** Set for a child-process worker: its `CUDA_VISIBLE_DEVICES` ids. */
  readonly gpuIds: readonly number[] | undefined;
  private readonly worker: Worker | undefined;
  private readonly child: ChildProcess | undefined;
  private lastError: Error | undefined;
  private gone = false;
  private exitPromise: Promise<number> | undefined;
  private readonly out = new MessageBatcher<ToWorker>((batch, transfer) => {
    if (this.gone) return;
    if (this.worker !== undefined) this.worker.postMessage(batch, transfer);
    else this.child!.send(batch as ToWorker[]);
  });

  constructor(data: TsrayWorkerData, events: WorkerClientEvents, gpuIds?: readonly number[]) {
    this.workerId = data.workerId;
    this.actorId = data.actorId;
    this.gpuIds = gpuIds;
    const onBatch = (batch: readonly FromWorker[]) => {
      for (const m of batch) events.onMessage(this, m);
    };
    if (gpuIds === undefined) {
      const worker = new Worker(workerMainUrl, { workerData: data });
      this.worker = worker;
      worker.on("message", onBatch);
      worker.on("error", (e: Error) => {
        this.lastError = e;
      });
      this.exitPromise = new Promise((resolve) =>
        worker.on("exit", (code: number) => {
          this.gone = true;
          events.onExit(this, code, this.lastError);
          resolve(code);
        }),
      );
      return;
    }
    const child = fork(fileURLToPath(workerMainUrl), [], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        TSRAY_WORKER: "1",
        [WORKER_DATA_ENV]: JSON.stringify(data),
        CUDA_VISIBLE_DEVICES: gpuIds.join(","),
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
    this.out.post(message, this.worker !== undefined ? transfer : undefined);
  }

  /** Stops the worker at once; `onExit` follows. */
  terminate(): Promise<number> {
    if (this.worker !== undefined) return this.worker.terminate();
    if (!this.gone) this.child!.kill("SIGKILL");
    return this.exitPromise!;
  }
}
