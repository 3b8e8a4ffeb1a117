/**
 * Raw `postMessage` baselines on plain worker threads: one request at a time
 * (the round-trip floor, comparable to a sync task or actor call) and many
 * requests in flight spread over the threads (the pipelined ceiling that
 * batching-free runtimes can approach).
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { nowMs } from "../timing.js";

const echoFile = new URL("./echo-worker.js", import.meta.url);

interface Reply {
  readonly id: number;
  readonly result: number;
}

/** A set of echo threads with promise-returning calls, replies matched by id. */
export class EchoThreads {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, (r: Reply) => void>();
  private nextId = 0;
  private cursor = 0;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    for (const w of workers) w.on("message", (r: Reply) => this.settle(r));
  }

  static async start(threads: number): Promise<EchoThreads> {
    const workers = Array.from({ length: threads }, () => new Worker(echoFile));
    await Promise.all(workers.map((w) => once(w, "online")));
    const e = new EchoThreads(workers);
    await Promise.all(workers.map(() => e.call()));
    return e;
  }

  /** One request to the next thread (round-robin); resolves with its reply. */
  call(bytes?: Float64Array): Promise<Reply> {
    const id = this.nextId++;
    const w = this.workers[this.cursor]!;
    this.cursor = (this.cursor + 1) % this.workers.length;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      w.postMessage(bytes === undefined ? { id } : { id, bytes });
    });
  }

  /** Microseconds per round trip, `n` sequential requests. */
  async roundTripMicros(n: number): Promise<number> {
    const t0 = nowMs();
    for (let i = 0; i < n; i++) await this.call();
    return ((nowMs() - t0) * 1000) / n;
  }

  /** Requests per second with all `n` in flight at once. */
  async pipelinedPerSecond(n: number): Promise<number> {
    const t0 = nowMs();
    const all: Promise<Reply>[] = new Array(n);
    for (let i = 0; i < n; i++) all[i] = this.call();
    await Promise.all(all);
    return (n * 1000) / (nowMs() - t0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(r: Reply): void {
    const resolve = this.pending.get(r.id);
    this.pending.delete(r.id);
    resolve?.(r);
  }
}
