/**
 * The driver's view of one worker: a thread (the default), or a child
 * process (`gpuIds` given: GPU work with `init({ gpuWorkers: "process" })`,
 * whose `CUDA_VISIBLE_DEVICES` is exactly those ids, or work that asked for
 * `isolation: "process"`, with no ids unless granted GPUs). Posts typed messages to
 * it and reports what it sends back and when it exits, through callbacks
 * handed in by the owner (pool or actor manager). Knows nothing of tasks.
 * Messages cross in batches (see `MessageBatcher`) over a `Connection`
 * (protocol/connection.ts; transport/): a thread's port, or a child process's
 * IPC channel, with the structured-clone ("advanced")
 * serialization, so the same messages work (buffers are copied, not moved).
 */
import type { ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { OutOfMemoryError } from "../common/errors.js";
import { CloseCode, type CloseEvent, type Connection } from "../protocol/connection.js";
import { MessageBatcher } from "../protocol/message-batcher.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "../protocol/thread-messages.js";
import { WORKER_DATA_ENV } from "../protocol/worker-data-env.js";
import { ChildProcessConnection } from "../transport/child-process-connection.js";
import { ThreadConnection } from "../transport/thread-port-connection.js";
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

/** How much of a child process's stderr is kept to recognize how it died (V8 prints why it aborted). */
const STDERR_TAIL_CHARS = 16_384;

/** The driver's end of its connection to a worker: batches of the thread protocol each way. */
type WorkerConnection = Connection<readonly ToWorker[], readonly FromWorker[]>;

export class WorkerClient {
  readonly workerId: string;
  readonly actorId: string | undefined;
  /** Set for a child-process worker: its `CUDA_VISIBLE_DEVICES` ids. */
  readonly gpuIds: readonly number[] | undefined;
  /** A thread, which shares memory with the driver; false for a child process. */
  readonly isThread: boolean;
  private worker: Worker | undefined;
  private readonly child: ChildProcess | undefined;
  /** Undefined until a deferred thread starts (what is posted meanwhile waits in `held`). */
  private connection: WorkerConnection | undefined;
  private cancelStart: () => void = () => {};
  /** The worker has sent something: its runtime loaded (a death before that is a failure to start). */
  spoke = false;
  private gone = false;
  private exitPromise: Promise<number>;
  private reportExit!: (code: number) => void;
  /** Batches posted to a thread whose start is deferred, sent once it exists. */
  private held: Array<[readonly ToWorker[], ArrayBuffer[] | undefined]> | undefined;
  private readonly out = new MessageBatcher<ToWorker>((batch, transfer) => {
    const connection = this.connection;
    // Not open: the worker has ended (or is ending); its close fails whatever the batch was for.
    if (connection !== undefined) {
      if (connection.state === "open") connection.send(batch, transfer);
    } else if (this.held !== undefined) this.held.push([batch, transfer]);
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
    this.exitPromise = new Promise((resolve) => (this.reportExit = resolve));
    const onBatch = (batch: readonly FromWorker[]) => {
      this.spoke = true;
      if (batch.length === 1 && (batch[0] as unknown as ReadyMessage).t === READY) return this.markReady();
      for (const m of batch) events.onMessage(this, m);
    };
    if (processSpec === undefined) {
      const start = () => {
        if (this.gone) return;
        const heapMb = limits.heapMb;
        const worker = new Worker(workerMainUrl, {
          workerData: data,
          ...(heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
        });
        this.worker = worker;
        const connection: WorkerConnection = new ThreadConnection(worker);
        connection.onMessage = onBatch;
        connection.onClose = (event) => {
          const cause = event.error?.cause as Error | undefined;
          const oom = (cause as { code?: unknown } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
          this.closed(event, oom ? this.outOfMemory(cause) : cause);
        };
        this.connection = connection;
        // Never holds the process open: the driver's keep-alive does while work is in flight (driver/keep-alive.ts).
        // After `onMessage` is set: adding the port's 'message' listener refs the worker's port again.
        worker.unref();
        const held = this.held ?? [];
        this.held = undefined;
        for (const [batch, transfer] of held) connection.send(batch, transfer);
      };
      this.cancelStart = () => this.closed({ code: CloseCode.NORMAL, reason: "not started", exitCode: 0 }, undefined);
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
    // Neither the process nor its pipes hold the driver open (driver/keep-alive.ts); it exits when its channel closes.
    child.unref();
    child.channel?.unref();
    (child.stderr as (typeof child.stderr & { unref?: () => void }) | null)?.unref?.();
    let stderrTail = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    // Closes at the child's 'close' (its IPC channel and stderr read to the end, so the results it sent
    // before it died arrive first, and stderr's tail is complete), see child-process-connection.ts.
    const connection: WorkerConnection = new ChildProcessConnection(child);
    connection.onMessage = onBatch;
    connection.onClose = (event) => {
      const oom = event.signal === "SIGABRT" && stderrTail.includes("heap out of memory");
      this.closed(event, oom ? this.outOfMemory(undefined) : (event.error?.cause as Error | undefined));
    };
    this.connection = connection;
  }

  /** The connection closed: the worker has ended (a closing handshake, which workers never start, ends it here). */
  private closed(event: CloseEvent, error: Error | undefined): void {
    if (this.gone) return;
    this.gone = true;
    this.held = undefined;
    if (event.exitCode === undefined) {
      void this.worker?.terminate();
      this.child?.kill("SIGKILL");
    }
    const exitCode = event.exitCode ?? 0;
    this.markReady();
    this.events.onExit(this, exitCode, error);
    this.reportExit(exitCode);
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

  /** The worker has ended, or is ending (a child process whose pipes are still being read). */
  get exited(): boolean {
    return this.gone || (this.connection !== undefined && this.connection.state !== "open");
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
    if (this.child === undefined) {
      this.cancelStart(); // not started yet
      return this.exitPromise;
    }
    if (!this.gone) this.child.kill("SIGKILL");
    return this.exitPromise;
  }
}
