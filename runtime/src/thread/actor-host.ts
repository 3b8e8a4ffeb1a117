/**
 * Hosts one actor in a worker thread (its dedicated thread, or a shared one
 * next to others: see hosted-actors.ts): constructs it, then runs
 * its method calls in arrival order (the driver sends each caller's calls in
 * submission order). With `maxConcurrency` 1 a call starts only after the
 * previous one (and its promise) finished; above 1, up to that many async
 * calls interleave. Calls that arrive before the constructor finished wait.
 *
 * Concurrency groups (`concurrencyGroups: { io: 2 }`, Ray's): each group has
 * its own queue and limit, the default group ("") has `maxConcurrency`; a call
 * runs in the group its call names, else its method's (`@ray.method`), else
 * the default. Groups never wait for each other, so a busy group does not
 * hold up the rest; arrival order holds within a group.
 *
 * Every running call has its own `CallCancellation`: `ray.cancel` of one of
 * several interleaved calls aborts only that call's signal.
 *
 * A generator method's call runs (and holds its group's place) until its
 * generator ends; while it waits for its consumer (backpressure) it awaits,
 * so other calls of its group (up to the limit) and of other groups go on.
 */
import { InvalidArgumentError, TaskCancelledError } from "../common/errors.js";
import { decodeArgs, type ValueCodec } from "../protocol/encoded-values.js";
import { ClassNotLoaded, decodeLoadingClasses } from "../common/serializable-classes.js";
import type { FunctionRegistry } from "../api/function-registry.js";
import { methodOptionsOf } from "../api/actor-methods.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import { CallCancellation, isThenable, type HostedActorInfo, type TaskContextStorage } from "./task-context.js";
import { isGeneratorObject } from "./generator-runner.js";
import type { Post, TaskExecutor } from "./task-executor.js";
import type { ErrorCodec } from "./thread-core.js";

type CreateMessage = Extract<ToWorker, { t: "createActor" }>;
type CallMessage = Extract<ToWorker, { t: "callActor" }>;

/** The default concurrency group's name (the methods no group claims). */
const DEFAULT_GROUP = "";

/** One concurrency group: its waiting calls (from `head` on) and how many run. */
interface Group {
  readonly limit: number;
  readonly queue: CallMessage[];
  head: number;
  running: number;
}

export class ActorHost {
  private instance: Record<string, unknown> | undefined;
  private state: "idle" | "constructing" | "ready" | "failed" | "dropped" = "idle";
  private actorId = "";
  /** `ray.exitActor()` ran: calls still queued never start (the driver fails them and ends the actor). */
  private exiting = false;
  private readonly groups = new Map<string, Group>();
  /** Method → its concurrency group (`@ray.method({ concurrencyGroup })`), once the class is loaded. */
  private methodGroups: Readonly<Record<string, string>> | undefined;
  /** Calls that came before the constructor finished, in arrival order. */
  private readonly early: CallMessage[] = [];
  /** Running calls' cancellations, by task id. */
  private readonly running = new Map<string, CallCancellation>();
  /** GPU devices the actor holds (`ray.getGpuIds()` in its constructor and methods). */
  private gpuIds: readonly number[] | undefined;
  private info: HostedActorInfo | undefined;

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
    this.gpuIds = m.gpuIds;
    this.info = {
      descriptor: m.actor ?? { actorId: m.actorId, className: m.name, methods: [] },
      reconstructed: m.restarted === true,
      resources: m.resources ?? {},
    };
    this.groups.set(DEFAULT_GROUP, newGroup(m.maxConcurrency));
    for (const [name, limit] of Object.entries(m.concurrencyGroups ?? {})) this.groups.set(name, newGroup(limit));
    this.registry
      .load(m.cls.id, m.cls.url, (doImport) =>
        this.context.run({ taskId: `${m.actorId}.ctor`, name: `${m.name}.constructor`, importing: m.cls.url }, doImport),
      )
      .then(
      async (target) => {
        if (this.state === "dropped") return;
        if (target.kind !== "class") throw new InvalidArgumentError(`${m.cls.id} is a function, not an actor class.`);
        this.methodGroups = methodOptionsOf(target.cls).groups;
        const args = await decodeLoadingClasses(() => decodeArgs(this.codec, m.args, m.deps));
        if ((this.state as string) === "dropped") return; // dropped while a class's module loaded
        this.instance = this.context.run(
          { taskId: `${m.actorId}.ctor`, name: `${m.name}.constructor`, ...this.actorContext() },
          () => new target.cls(...args) as Record<string, unknown>,
        );
        this.state = "ready";
        this.post({ t: "actorReady", actorId: m.actorId });
        const early = this.early.splice(0);
        for (const call of early) this.route(call);
      },
    ).catch((e: unknown) => {
      if (this.state === "dropped") return;
      this.state = "failed";
      this.clearQueues();
      this.post({ t: "actorFailed", actorId: m.actorId, error: this.errors.toWire(e) });
    });
  }

  call(m: CallMessage): void {
    // After a failed constructor (or once dropped) the driver fails every call itself.
    if (this.state === "failed" || this.state === "dropped") return;
    // A method's group is known once the class is loaded.
    if (this.state !== "ready") this.early.push(m);
    else this.route(m);
  }

  /** Queues the call in its group: the one the call names, else its method's, else the default. */
  private route(m: CallMessage): void {
    const name = m.group ?? (this.methodGroups !== undefined && Object.hasOwn(this.methodGroups, m.method) ? this.methodGroups[m.method]! : DEFAULT_GROUP);
    const group = this.groups.get(name);
    if (group === undefined) {
      return this.results.fail(m.taskId, new InvalidArgumentError(`${m.name}: the actor has no concurrency group "${name}"; its groups: ${this.groupNames()}.`));
    }
    group.queue.push(m);
    this.pump(group);
  }

  /**
   * `ray.cancel` of a call of this actor: one still queued here is dropped
   * (reported cancelled, never run), a running one has its signal aborted.
   * False if the call is not here.
   */
  cancel(taskId: string, name: string): boolean {
    const early = this.early.findIndex((q) => q.taskId === taskId);
    if (early >= 0) {
      this.early.splice(early, 1);
      this.results.fail(taskId, new TaskCancelledError(name));
      return true;
    }
    for (const group of this.groups.values()) {
      const i = group.queue.findIndex((q, k) => k >= group.head && q.taskId === taskId);
      if (i >= 0) {
        group.queue.splice(i, 1);
        this.results.fail(taskId, new TaskCancelledError(name));
        return true;
      }
    }
    const running = this.running.get(taskId);
    running?.cancel(new TaskCancelledError(name));
    return running !== undefined;
  }

  /** `ray.exitActor()` ran in one of this actor's calls: queued calls never start. */
  exitAfterCurrent(): void {
    this.exiting = true;
  }

  /**
   * The driver has let this actor go (killed, or its constructor failed) while
   * its thread lives on for others: queued calls are forgotten and calls still
   * running report nothing (the driver settled them already).
   */
  drop(): void {
    this.state = "dropped";
    this.clearQueues();
  }

  private pump(group: Group): void {
    while (!this.exiting && this.state === "ready" && group.running < group.limit && group.head < group.queue.length) {
      const m = group.queue[group.head++]!;
      if (group.head === group.queue.length) {
        group.queue.length = 0;
        group.head = 0;
      }
      this.start(m, group);
    }
  }

  /**
   * `args`: already decoded (after the modules of serializable classes in them were imported);
   * `cancellation`: the call's, when it comes back here after such an import (it holds its place
   * in its group's `running` meanwhile, so a sync actor keeps its call order).
   */
  private start(m: CallMessage, group: Group, args?: unknown[], cancellation?: CallCancellation): void {
    const method = this.instance![m.method];
    if (typeof method !== "function") {
      return this.results.fail(m.taskId, new TypeError(`${m.name} is not a method of the actor.`));
    }
    if (cancellation === undefined) {
      group.running++;
      cancellation = new CallCancellation();
      this.running.set(m.taskId, cancellation);
    } else if (cancellation.cancelled) {
      return this.settle(m, group, false, new TaskCancelledError(m.name));
    }
    const call = cancellation;
    this.context.run({ taskId: m.taskId, name: m.name, cancellation, ...this.actorContext() }, () => {
      let result: unknown;
      try {
        if (args === undefined) args = decodeArgs(this.codec, m.args, m.deps);
      } catch (e) {
        if (!(e instanceof ClassNotLoaded)) return this.settle(m, group, false, e);
        decodeLoadingClasses(() => decodeArgs(this.codec, m.args, m.deps)).then(
          (decoded) => this.start(m, group, decoded, call),
          (error: unknown) => this.settle(m, group, false, error),
        );
        return;
      }
      try {
        result = (method as (...a: unknown[]) => unknown).apply(this.instance, args);
      } catch (e) {
        return this.settle(m, group, false, e);
      }
      if (m.streaming !== undefined || isGeneratorObject(result)) {
        this.results.generators.run(m, result, (ok, v) => this.settle(m, group, ok, v));
      } else if (isThenable(result)) {
        result.then(
          (v) => this.settle(m, group, true, v),
          (e: unknown) => this.settle(m, group, false, e),
        );
      } else {
        this.settle(m, group, true, result);
      }
    });
  }

  private settle(m: CallMessage, group: Group, ok: boolean, value: unknown): void {
    group.running--;
    this.running.delete(m.taskId);
    if (this.state === "dropped") return;
    if (ok) this.results.finish(m.taskId, m.name, m.numReturns, value);
    else this.results.fail(m.taskId, value);
    this.pump(group);
  }

  private clearQueues(): void {
    this.early.length = 0;
    for (const group of this.groups.values()) {
      group.queue.length = 0;
      group.head = 0;
    }
  }

  private groupNames(): string {
    const named = [...this.groups.keys()].filter((g) => g !== DEFAULT_GROUP);
    return named.length === 0 ? "none but the default" : named.map((g) => JSON.stringify(g)).join(", ");
  }

  private actorContext(): { actorId: string; actor: HostedActorInfo; gpuIds?: readonly number[]; resources: Readonly<Record<string, number>> } {
    const info = this.info!;
    return {
      actorId: this.actorId,
      actor: info,
      resources: info.resources,
      ...(this.gpuIds !== undefined ? { gpuIds: this.gpuIds } : {}),
    };
  }
}

function newGroup(limit: number): Group {
  return { limit, queue: [], head: 0, running: 0 };
}
