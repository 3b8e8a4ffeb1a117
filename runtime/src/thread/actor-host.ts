/**
 * Hosts one actor in a worker thread (its dedicated thread, or a shared one
 * next to others: see hosted-actors.ts): constructs it, then runs
 * its method calls in arrival order (the driver sends each caller's calls in
 * submission order). With `maxConcurrency` 1 a call starts only after the
 * previous one (and its promise) finished; above 1, up to that many async
 * calls interleave. Calls that arrive before the constructor finished wait.
 */
import { InvalidArgumentError } from "../common/errors.js";
import { decodeArgs, type ValueCodec } from "../protocol/encoded-values.js";
import type { FunctionRegistry } from "../api/function-registry.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import { isThenable, type TaskContextStorage } from "./task-context.js";
import { isGeneratorObject } from "./generator-runner.js";
import type { Post, TaskExecutor } from "./task-executor.js";
import type { ErrorCodec } from "./thread-core.js";

type CreateMessage = Extract<ToWorker, { t: "createActor" }>;
type CallMessage = Extract<ToWorker, { t: "callActor" }>;

export class ActorHost {
  private instance: Record<string, unknown> | undefined;
  private state: "idle" | "constructing" | "ready" | "failed" | "dropped" = "idle";
  private actorId = "";
  private readonly queue: CallMessage[] = [];
  /** `ray.exitActor()` ran: calls still queued never start (the driver fails them and ends the actor). */
  private exiting = false;
  private head = 0;
  private running = 0;
  private maxConcurrency = 1;
  /** GPU devices the actor holds (`ray.getGpuIds()` in its constructor and methods). */
  private gpuIds: readonly number[] | undefined;

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly codec: ValueCodec,
    private readonly errors: ErrorCodec,
    private readonly context: TaskContextStorage,
    private readonly post: Post,
    /** Encodes results and reports done/failed exactly as for tasks. */
    private readonly results: TaskExecutor,
  ) {}

  create(m: CreateMessage): void {
    this.state = "constructing";
    this.actorId = m.actorId;
    this.maxConcurrency = m.maxConcurrency;
    this.gpuIds = m.gpuIds;
    this.registry
      .load(m.cls.id, m.cls.url, (doImport) =>
        this.context.run({ taskId: `${m.actorId}.ctor`, name: `${m.name}.constructor`, importing: m.cls.url }, doImport),
      )
      .then(
      (target) => {
        if (this.state === "dropped") return;
        if (target.kind !== "class") throw new InvalidArgumentError(`${m.cls.id} is a function, not an actor class.`);
        const args = decodeArgs(this.codec, m.args, m.deps);
        this.instance = this.context.run(
          { taskId: `${m.actorId}.ctor`, name: `${m.name}.constructor`, actorId: m.actorId, ...this.gpuContext() },
          () => new target.cls(...args) as Record<string, unknown>,
        );
        this.state = "ready";
        this.post({ t: "actorReady", actorId: m.actorId });
        this.pump();
      },
    ).catch((e: unknown) => {
      if (this.state === "dropped") return;
      this.state = "failed";
      this.queue.length = 0;
      this.post({ t: "actorFailed", actorId: m.actorId, error: this.errors.toWire(e) });
    });
  }

  call(m: CallMessage): void {
    // After a failed constructor (or once dropped) the driver fails every call itself.
    if (this.state === "failed" || this.state === "dropped") return;
    this.queue.push(m);
    this.pump();
  }

  /**
   * The driver has let this actor go (killed, or its constructor failed) while
   * its thread lives on for others: queued calls are forgotten and calls still
   * running report nothing (the driver settled them already).
   */
  exitAfterCurrent(): void {
    this.exiting = true;
  }

  drop(): void {
    this.state = "dropped";
    this.queue.length = 0;
    this.head = 0;
  }

  private pump(): void {
    while (!this.exiting && this.state === "ready" && this.running < this.maxConcurrency && this.head < this.queue.length) {
      const m = this.queue[this.head++]!;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      this.start(m);
    }
  }

  private start(m: CallMessage): void {
    const method = this.instance![m.method];
    if (typeof method !== "function") {
      return this.results.fail(m.taskId, new TypeError(`${m.name} is not a method of the actor.`));
    }
    this.running++;
    this.context.run({ taskId: m.taskId, name: m.name, actorId: this.actorId, ...this.gpuContext() }, () => {
      let result: unknown;
      try {
        result = (method as (...a: unknown[]) => unknown).apply(this.instance, decodeArgs(this.codec, m.args, m.deps));
      } catch (e) {
        return this.settle(m, false, e);
      }
      if (m.streaming !== undefined || isGeneratorObject(result)) {
        this.results.generators.run(m, result, (ok, v) => this.settle(m, ok, v));
      } else if (isThenable(result)) {
        result.then(
          (v) => this.settle(m, true, v),
          (e: unknown) => this.settle(m, false, e),
        );
      } else {
        this.settle(m, true, result);
      }
    });
  }

  private settle(m: CallMessage, ok: boolean, value: unknown): void {
    this.running--;
    if (this.state === "dropped") return;
    if (ok) this.results.finish(m.taskId, m.name, m.numReturns, value);
    else this.results.fail(m.taskId, value);
    this.pump();
  }

  private gpuContext(): { gpuIds?: readonly number[] } {
    return this.gpuIds !== undefined ? { gpuIds: this.gpuIds } : {};
  }
}
