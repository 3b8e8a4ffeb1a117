/**
 * The `Core` of a worker thread: the whole public API, served by asking the
 * driver over the thread's port. Ids are minted here (with this thread's
 * prefix) so `.remote()`, `put` and `Cls.remote()` return at once; the port
 * keeps messages in order, so the driver learns of an object before anyone
 * it is passed to can ask for it.
 *
 * Every request carries a `reqId`; every pending request is rejected when
 * the port closes (the driver is gone) or when its task is cancelled.
 */
import { actorCreation } from "../api/actor-creation.js";
import type { Core, GeneratorCalls, PlacementGroupTableEntry } from "../api/core.js";
import type { ActorDescriptor, ActorSpecOptions, NamedActor, RemoteClassInfo, Streaming, TaskCall, WireError } from "../common/task-spec.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import type { CoreRuntimeContext, RunningCallInfo } from "../common/context.js";
import { InvalidArgumentError, TaskCancelledError, TsrayError } from "../common/errors.js";
import { IdGenerator, generatorItemId, returnId } from "../common/ids.js";
import { ReferenceCounter } from "../common/reference-counter.js";
import { ObjectRef, refsFor } from "../api/object-ref.js";
import { addTransfer, decodeOwnedList, encodeArgs, type ValueCodec } from "../protocol/encoded-values.js";
import { decodeLoadingClasses } from "../common/serializable-classes.js";
import type { FromWorker, ReplyValue, SyncQuery, ToWorker, TsrayWorkerData } from "../protocol/thread-messages.js";
import type { TaskContextStorage } from "./task-context.js";
import { HandleBorrows } from "./handle-borrows.js";

export interface ErrorCodec {
  toWire(error: unknown): WireError;
  fromWire(wire: WireError): Error;
}

interface Pending {
  readonly resolve: (value: ReplyValue) => void;
  readonly reject: (error: Error) => void;
  readonly taskId: string | undefined;
}

export class ThreadCore implements Core {
  private readonly ids: IdGenerator;
  private readonly pending = new Map<number, Pending>();
  private nextReq = 0;
  private closed: Error | undefined;
  private flushNow: (() => void) | undefined;
  /** Objects this thread owns; unreachable ones are released in the driver's store. */
  readonly refs = new ReferenceCounter((id) => this.post({ t: "release", id }));
  /** The actor handles this thread holds and writes (actor reference counting, handle-borrows.ts). */
  readonly borrows: HandleBorrows;

  constructor(
    private readonly send: (message: FromWorker, transfer?: ArrayBuffer[]) => void,
    private readonly codec: ValueCodec,
    private readonly errors: ErrorCodec,
    private readonly data: TsrayWorkerData,
    private readonly context: TaskContextStorage,
  ) {
    this.ids = new IdGenerator(data.idPrefix);
    this.borrows = new HandleBorrows(
      (m) => this.post(m),
      (actorId) => this.request(false, (reqId) => ({ t: "borrowActor", reqId, actorId })),
      data.jobId,
    );
  }

  submitTask(call: TaskCall, args: readonly unknown[]): ObjectRef | ObjectRef[] {
    this.refuseWhileImporting(`${call.name}.remote()`);
    const taskId = this.ids.next();
    const { value: encoded, actors } = this.borrows.collect(() => encodeArgs(this.codec, args, call.name));
    this.post(
      {
        t: "submit",
        task: {
          taskId,
          fn: call.fn,
          name: call.name,
          args: encoded,
          numReturns: call.numReturns,
          demand: call.demand,
          maxRetries: call.maxRetries,
          retryExceptions: call.retryExceptions,
          streaming: call.streaming,
          parentTaskId: this.context.getStore()?.taskId,
        },
      },
      addTransfer(undefined, encoded.bytes),
    );
    if (actors !== undefined) this.borrows.hold(actors, { k: "settled", id: returnId(taskId, call.numReturns, 0) });
    return this.refs.trackAll(refsFor(taskId, call.numReturns));
  }

  createActor(cls: RemoteClassInfo, args: readonly unknown[], o: ActorSpecOptions): ActorDescriptor {
    this.refuseWhileImporting(`${cls.className}.remote()`);
    const { value: encoded, actors } = this.borrows.collect(() => encodeArgs(this.codec, args, `${cls.className}.constructor`));
    const creation = actorCreation(this.ids.next(), cls, encoded, o, this.data.namespace);
    this.post({ t: "createActor", creation });
    // Until the actor ends: a restart runs its constructor with these arguments again.
    if (actors !== undefined) this.borrows.hold(actors, { k: "actorEnds", actorId: creation.actor.actorId });
    return creation.actor;
  }

  /** The handle `Cls.remote()` made for an actor this thread created: a live handle like a decoded one. */
  trackActorHandle(handle: object, actor: ActorDescriptor): void {
    this.borrows.held(handle, actor.actorId);
  }

  submitActorTask(actor: ActorDescriptor, method: string, args: readonly unknown[], numReturns: number, name: string, streaming?: Streaming, group?: string): ObjectRef | ObjectRef[] {
    this.refuseWhileImporting(`${name}.remote()`);
    const taskId = this.ids.next();
    const { value: encoded, actors } = this.borrows.collect(() => encodeArgs(this.codec, args, name));
    this.post(
      {
        t: "callActor",
        call: { taskId, actorId: actor.actorId, method, name, args: encoded, numReturns, streaming, callerId: this.data.workerId, group },
      },
      addTransfer(undefined, encoded.bytes),
    );
    if (actors !== undefined) this.borrows.hold(actors, { k: "settled", id: returnId(taskId, numReturns, 0) });
    return this.refs.trackAll(refsFor(taskId, numReturns));
  }

  /** A generator's values are stored in the driver: it is asked (a blocking request, as a `wait`). */
  readonly generators: GeneratorCalls = {
    next: async (generator, index) => {
      const reply = await this.request(true, (reqId, taskId) => ({ t: "genNext", reqId, generator, index, taskId }));
      if (reply.k !== "more") throw new TsrayError("TSRAY_RUNTIME", `tsray: unexpected reply ${reply.k} to genNext`);
      return reply.more;
    },
    take: (generator, index) => this.refs.trackAll(new ObjectRef(generatorItemId(generator, index))),
    consumed: (taskId, consumed) => this.post({ t: "genConsumed", taskId, consumed }),
    drop: (taskId, taken) => this.post({ t: "genDrop", taskId, taken }),
  };

  put(value: unknown): ObjectRef {
    this.refuseWhileImporting("ray.put()");
    const id = this.ids.next();
    const { value: bytes, actors } = this.borrows.collect(() => this.codec.encode(value, "the value given to ray.put"));
    this.post({ t: "put", id, bytes }, addTransfer(undefined, bytes));
    if (actors !== undefined) this.borrows.hold(actors, { k: "deleted", ids: [id] });
    const ref = new ObjectRef(id);
    this.refs.track(ref, id);
    return ref;
  }

  async get(refs: readonly ObjectRef[], timeoutS: number | undefined): Promise<unknown[]> {
    const reply = await this.request(true, (reqId, taskId) => ({ t: "get", reqId, ids: refs.map((r) => r.id), timeoutS, taskId }));
    if (reply.k !== "objects") throw new TsrayError("TSRAY_RUNTIME", `tsray: unexpected reply ${reply.k} to get`);
    // The reply's bytes are this thread's own copy: large binaries may be views.
    return decodeLoadingClasses(() => decodeOwnedList(this.codec, reply.bytes));
  }

  async getOne(ref: ObjectRef, timeoutS: number | undefined): Promise<unknown> {
    const [value] = await this.get([ref], timeoutS);
    return value;
  }

  async wait(refs: readonly ObjectRef[], numReturns: number, timeoutS: number | undefined): Promise<readonly boolean[]> {
    const reply = await this.request(true, (reqId, taskId) => ({ t: "wait", reqId, ids: refs.map((r) => r.id), numReturns, timeoutS, taskId }));
    if (reply.k !== "ready") throw new TsrayError("TSRAY_RUNTIME", `tsray: unexpected reply ${reply.k} to wait`);
    return reply.ready;
  }

  cancel(ref: ObjectRef, force: boolean, recursive: boolean): void {
    this.post({ t: "cancel", objectId: ref.id, force, recursive });
  }

  free(ids: readonly string[]): void {
    this.post({ t: "free", ids });
  }

  kill(actor: ActorDescriptor, noRestart: boolean): void {
    this.post({ t: "kill", actorId: actor.actorId, noRestart });
  }

  async listNamedActors(namespace: string | undefined): Promise<ReadonlyArray<NamedActor>> {
    const reply = await this.request(false, (reqId) => ({ t: "listNamedActors", reqId, namespace }));
    if (reply.k !== "namedActors") throw new TsrayError("TSRAY_RUNTIME", `tsray: unexpected reply ${reply.k} to listNamedActors`);
    return reply.actors;
  }

  /** Set by worker-main on a thread that hosts actors: stop starting that actor's calls. */
  onExitActor: ((actorId: string) => void) | undefined;

  exitActor(): void {
    const ctx = this.context.getStore();
    if (ctx?.actorId === undefined) {
      throw new InvalidArgumentError(
        `ray.exitActor() can only be called inside an actor's method or constructor${ctx !== undefined ? `, not in task ${ctx.name}` : ""}.`,
      );
    }
    this.onExitActor?.(ctx.actorId);
    this.post({ t: "exitActor", actorId: ctx.actorId, taskId: ctx.taskId });
  }

  async getActor(name: string, namespace: string | undefined): Promise<ActorDescriptor> {
    const reply = await this.request(false, (reqId) => ({ t: "getActor", reqId, name, namespace: namespace ?? this.data.namespace }));
    if (reply.k !== "actor") throw new TsrayError("TSRAY_RUNTIME", `tsray: unexpected reply ${reply.k} to getActor`);
    return reply.actor;
  }

  runtimeContext(): CoreRuntimeContext {
    const task = this.context.getStore();
    // On a shared thread the actor is the one whose method is running.
    const actorId = task?.actorId ?? this.data.actorId;
    const running: RunningCallInfo | undefined =
      task === undefined
        ? undefined
        : {
            resources: task.resources ?? DEFAULT_TASK_RESOURCES,
            ...(task.cancellation !== undefined ? { cancellation: task.cancellation } : {}),
            ...(task.actor !== undefined ? { actor: task.actor } : {}),
          };
    return {
      jobId: this.data.jobId,
      nodeId: this.data.nodeId,
      workerId: this.data.workerId,
      namespace: this.data.namespace,
      ...(task !== undefined ? { taskId: task.taskId } : {}),
      ...(actorId !== undefined ? { actorId } : {}),
      ...(running !== undefined ? { running } : {}),
    };
  }

  gpuIds(): number[] {
    return [...(this.context.getStore()?.gpuIds ?? [])];
  }

  clusterResources(): Record<string, number> {
    return this.syncQuery("clusterResources") as Record<string, number>;
  }

  availableResources(): Record<string, number> {
    return this.syncQuery("availableResources") as Record<string, number>;
  }

  createPlacementGroup(
    id: string,
    bundles: ReadonlyArray<Record<string, number>>,
    strategy: PlacementGroupStrategy,
    name: string | undefined,
  ): void {
    this.refuseWhileImporting("ray.placementGroup()");
    this.post({ t: "createPlacementGroup", id, bundles, strategy, name });
  }

  async placementGroupReady(id: string): Promise<void> {
    const reply = await this.request(false, (reqId) => ({ t: "placementGroupReady", reqId, id }));
    if (reply.k !== "none") throw new TsrayError("TSRAY_RUNTIME", `tsray: unexpected reply ${reply.k} to placementGroupReady`);
  }

  removePlacementGroup(id: string): void {
    this.post({ t: "removePlacementGroup", id });
  }

  placementGroupTable(): Record<string, PlacementGroupTableEntry> {
    return this.syncQuery("placementGroupTable") as Record<string, PlacementGroupTableEntry>;
  }

  /** Makes synchronous queries possible: `flush` sends batched messages at once (threads only). */
  enableSyncQueries(flush: () => void): void {
    this.flushNow = flush;
  }

  /**
   * Asks the driver and blocks this thread until it answers (a short round
   * trip; the driver never waits on a worker, so this cannot deadlock).
   * Child-process workers cannot share memory with the driver: there it throws.
   */
  private syncQuery(query: SyncQuery): unknown {
    const what = `ray.${query}()`;
    if (this.flushNow === undefined) throw driverOnly(what);
    if (this.closed !== undefined) throw this.closed;
    const buffer = new SharedArrayBuffer(8 + SYNC_QUERY_BYTES);
    const header = new Int32Array(buffer, 0, 2);
    this.post({ t: "syncQuery", query, buffer });
    this.flushNow();
    if (Atomics.wait(header, 0, 0, SYNC_QUERY_TIMEOUT_MS) === "timed-out") {
      throw new TsrayError("TSRAY_RUNTIME", `${what}: the driver did not answer within ${SYNC_QUERY_TIMEOUT_MS / 1000} s.`);
    }
    if (Atomics.load(header, 0) !== 1) throw new TsrayError("TSRAY_RUNTIME", `${what}: the answer is too large to pass back.`);
    const bytes = new Uint8Array(buffer, 8, Atomics.load(header, 1)).slice();
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  }

  shutdown(): Promise<void> {
    return Promise.reject(
      new InvalidArgumentError("ray.shutdown() cannot be called from inside a task or actor; call it in the driver."),
    );
  }

  /** A reply from the driver. */
  onReply(message: Extract<ToWorker, { t: "reply" }>): void {
    const p = this.pending.get(message.reqId);
    if (p === undefined) return; // already rejected (cancelled task)
    this.pending.delete(message.reqId);
    if (message.ok) p.resolve(message.value);
    else p.reject(this.errors.fromWire(message.error));
  }

  /** Non-forced `ray.cancel` of a task running here: its pending requests fail. */
  onCancel(taskId: string, name: string): void {
    for (const [reqId, p] of this.pending) {
      if (p.taskId === taskId) {
        this.pending.delete(reqId);
        p.reject(new TaskCancelledError(name));
      }
    }
  }

  /** The driver is gone: nothing pending can be answered any more. */
  onPortClosed(): void {
    this.closed = new TsrayError("TSRAY_RUNTIME", "The tsray driver went away; this worker is shutting down.");
    for (const p of this.pending.values()) p.reject(this.closed);
    this.pending.clear();
  }

  post(message: FromWorker, transfer?: ArrayBuffer[]): void {
    this.send(message, transfer);
  }

  /**
   * The entry-module trap: a module's top-level code calling the API while a
   * worker imports the module to find a remote function would re-run the
   * program in every worker (and recurse through actors). Refused, naming the
   * module.
   */
  private refuseWhileImporting(what: string): void {
    const url = this.context.getStore()?.importing;
    if (url === undefined) return;
    // Not "compile with the transform": this also happens to transformed modules (top-level calls in a
    // module that the one defining remote functions imports, or not guarded), so say what works in every case.
    throw new InvalidArgumentError(
      `${what} was called by top-level code while a tsray worker imported ${url} to find a remote function ` +
        "(the call is in that module or in one it imports). Workers import every module that defines remote " +
        "functions, so its top-level code runs in each worker too; the program must run only in the driver. " +
        "Run it from a function that only the driver calls: `if (!ray.isWorker()) main();` " +
        "(or `if (!ray.isWorker()) { … }` around top-level calls), or keep remote functions in a module without top-level calls.",
    );
  }

  private request(blocking: boolean, make: (reqId: number, taskId: string | undefined) => FromWorker): Promise<ReplyValue> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    const importing = this.context.getStore()?.importing;
    if (importing !== undefined && blocking) {
      try {
        this.refuseWhileImporting("ray.get()/ray.wait()");
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    const reqId = ++this.nextReq;
    const taskId = this.context.getStore()?.taskId;
    return new Promise<ReplyValue>((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject, taskId });
      this.post(make(reqId, taskId));
    });
  }
}

/** A task's assigned resources when its run message carried none: the default demand (owner/task-state.ts `assignedResources`). */
const DEFAULT_TASK_RESOURCES: Readonly<Record<string, number>> = Object.freeze({ CPU: 1 });

const SYNC_QUERY_BYTES = 1 << 20;
const SYNC_QUERY_TIMEOUT_MS = 30_000;

/** In a child-process worker, synchronous views (resources, the placement-group table) are not available (see docs/resources.md). */
function driverOnly(what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${what} is not available in a child-process worker (gpuWorkers: "process" or isolation: "process"); call it in the driver or a thread worker and pass what the task needs as an argument.`,
  );
}
