/**
 * The driver's view of one worker: a thread (the default), or a child
 * process (`gpuIds` given: GPU work with `init({ gpuWorkers: "process" })`,
 * whose `CUDA_VISIBLE_DEVICES` is exactly those ids, or work that asked for
 * `isolation: "process"`, with no ids unless granted GPUs). Posts typed messages to
 * it and reports what it sends back and when it exits, through callbacks
 * handed in by the owner (pool or actor manager). Knows nothing of tasks.
 * Messages cross in batches (see `MessageBatcher`); a child process gets
 * them over its IPC channel with the structured-clone ("advanced")
 * serialization, so the same messages work (buffers are copied, not moved).
 */
import type { ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { OutOfMemoryError } from "../common/errors.js";
import { MessageBatcher } from "../protocol/message-batcher.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "../protocol/thread-messages.js";
import { WORKER_DATA_ENV } from "../protocol/worker-data-env.js";
import { workerMainUrl } from "./worker-entry.js";

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

/** Limits every worker of a runtime starts with (`ray.init({ workerHeapMb })`). */
export interface WorkerLimits {
  /**
   * The worker's V8 old-generation heap in MB: `resourceLimits.maxOldGenerationSizeMb`
   * of a thread, `--max-old-space-size` of a child process. Absent: V8's default.
   * A worker that reaches it ends, and its exit reports an `OutOfMemoryError`.
   */
  readonly heapMb?: number | undefined;
}

/**
 * How long a child process's exit waits for its IPC channel and stderr to close
 * (so that every message it wrote is read first) before it is reported anyway:
 * a grandchild holding the inherited pipes open must not delay it for ever.
 */
const EXIT_DRAIN_CAP_MS = 1_000;
/** How much of a child process's stderr is kept to recognize how it died (V8 prints why it aborted). */
const STDERR_TAIL_CHARS = 16_384;

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
  /** A child process has ended; its exit is reported once its pipes are read (`gone`). */
  private childEnded = false;
  private exitPromise: Promise<number> | undefined;
  /** Batches posted to a thread whose start is deferred, sent once it exists. */
  private held: Array<[readonly ToWorker[], ArrayBuffer[] | undefined]> | undefined;
  private readonly out = new MessageBatcher<ToWorker>((batch, transfer) => {
    if (this.gone) return;
    if (this.worker !== undefined) this.worker.postMessage(batch, transfer);
    else if (this.held !== undefined) this.held.push([batch, transfer]);
    else if (!this.childEnded && this.child!.connected) this.child!.send(batch as ToWorker[]);
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
    private readonly limits: WorkerLimits = {},
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
        const heapMb = limits.heapMb;
        const worker = new Worker(workerMainUrl, {
          workerData: data,
          ...(heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
        });
        this.worker = worker;
        worker.on("message", onBatch);
        worker.on("error", (e: Error) => {
          this.lastError = (e as { code?: unknown }).code === "ERR_WORKER_OUT_OF_MEMORY" ? this.outOfMemory(e) : e;
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
    const heapArgs = limits.heapMb !== undefined ? [`--max-old-space-size=${limits.heapMb}`] : [];
    const child = processSpec.fork(fileURLToPath(workerMainUrl), [], {
      serialization: "advanced",
      // stderr passes through the driver, which keeps its tail: V8 says there why it aborted a process.
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      execArgv: [...process.execArgv, ...heapArgs],
      env: {
        ...process.env,
        TSRAY_WORKER: "1",
        [WORKER_DATA_ENV]: JSON.stringify(data),
        CUDA_VISIBLE_DEVICES: processSpec.gpuIds.join(","),
      },
    });
    this.child = child;
    let stderrTail = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.on("message", (batch) => onBatch(batch as readonly FromWorker[]));
    child.on("error", (e: Error) => {
      this.lastError = e;
    });
    this.exitPromise = new Promise((resolve) => {
      let cap: NodeJS.Timeout | undefined;
      // Reported at 'close' (its IPC channel and stderr are read to the end, so the results it sent
      // before it died arrive first), or at most EXIT_DRAIN_CAP_MS after 'exit'.
      const report = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.gone) return;
        clearTimeout(cap);
        this.gone = true;
        this.markReady();
        const exitCode = code ?? (signal !== null ? 1 : 0);
        const oom = signal === "SIGABRT" && stderrTail.includes("heap out of memory");
        events.onExit(this, exitCode, oom ? this.outOfMemory(undefined) : this.lastError);
        resolve(exitCode);
      };
      child.on("exit", (code, signal) => {
        this.childEnded = true;
        cap = setTimeout(() => report(code, signal), EXIT_DRAIN_CAP_MS);
      });
      child.on("close", report);
    });
  }

  /** What a worker that reached its heap limit died of (a thread's `ERR_WORKER_OUT_OF_MEMORY`, a process's V8 abort). */
  private outOfMemory(cause: Error | undefined): OutOfMemoryError {
    const heap = this.limits.heapMb;
    const who = this.actorId !== undefined ? `the worker of actor ${this.actorId}` : `worker ${this.workerId}`;
    return new OutOfMemoryError(
      `${who} ran out of JavaScript heap (${heap !== undefined ? `limit ${heap} MB, ray.init({ workerHeapMb })` : "V8's default limit"}) and ended. ` +
        "Use less memory per task or actor, or raise workerHeapMb" +
        (this.gpuIds === undefined ? '; work that must not share the driver\'s memory at all can run with isolation: "process".' : "."),
      cause !== undefined ? { cause } : undefined,
    );
  }

  get exited(): boolean {
    return this.gone || this.childEnded;
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
