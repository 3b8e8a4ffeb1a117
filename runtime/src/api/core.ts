/**
 * `Core`: what the public API needs from whichever runtime serves this thread.
 * The driver thread runs the embedded local runtime (`driver/driver-runtime.ts`); a worker
 * thread runs a client that forwards to the driver (`thread/thread-core.ts`).
 *
 * The one current core per thread lives here. That is the nature of a
 * module-level API (`ray.get`, `f.remote()`, …, like Ray's global worker);
 * everything below the API gets its collaborators passed in.
 */
import type { CoreRuntimeContext } from "../common/context.js";
import { NotInitializedError } from "../common/errors.js";
import type { ObjectRef } from "./object-ref.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import type { ActorDescriptor, ActorSpecOptions, NamedActor, RemoteClassInfo, Streaming, TaskCall } from "../common/task-spec.js";

export interface Core {
  /** Returns one ref, or an array of `numReturns` refs when it is above 1. */
  submitTask(call: TaskCall, args: readonly unknown[]): ObjectRef | ObjectRef[];
  /** Returns the new actor's descriptor; the API makes the handle (`makeActorHandle`). */
  createActor(cls: RemoteClassInfo, args: readonly unknown[], options: ActorSpecOptions): ActorDescriptor;
  /**
   * The handle `createActor`'s caller made for the new actor: the owner counts it (actor
   * reference counting, owner/actor-holds.ts and thread/handle-borrows.ts; named and detached
   * actors are not passed).
   */
  trackActorHandle?(handle: object, actor: ActorDescriptor): void;
  submitActorTask(
    actor: ActorDescriptor,
    method: string,
    args: readonly unknown[],
    numReturns: number,
    name: string,
    /** A generator method that streams (then `numReturns` is 1: the ref of its end). */
    streaming?: Streaming,
    /** The concurrency group chosen for this call; undefined: the method's own. */
    group?: string,
  ): ObjectRef | ObjectRef[];
  /** What this thread's `ObjectRefGenerator`s ask for (streaming generators it called). */
  readonly generators: GeneratorCalls;
  put(value: unknown): ObjectRef;
  /** Values in order; rejects as soon as one ref holds an error, or with `GetTimeoutError`. */
  get(refs: readonly ObjectRef[], timeoutS: number | undefined): Promise<unknown[]>;
  getOne(ref: ObjectRef, timeoutS: number | undefined): Promise<unknown>;
  /** Readiness per input ref (validated by the caller): true for at most `numReturns` of them. */
  wait(refs: readonly ObjectRef[], numReturns: number, timeoutS: number | undefined): Promise<readonly boolean[]>;
  cancel(ref: ObjectRef, force: boolean, recursive: boolean): void;
  /** `ray.free`: the objects' copies are freed on every node now; they stand for `ObjectFreedError` from then on. */
  free(ids: readonly string[]): void;
  kill(actor: ActorDescriptor, noRestart: boolean): void;
  getActor(name: string, namespace: string | undefined): Promise<ActorDescriptor>;
  /** `ray.exitActor()`: ends the actor running the current call once that call is done (throws outside an actor). */
  exitActor(): void;
  /** Live named actors of `namespace`, or of every namespace when it is undefined. */
  listNamedActors(namespace: string | undefined): Promise<ReadonlyArray<NamedActor>>;
  /** The ids, and (in a task or actor call) what is known of the running call. */
  runtimeContext(): CoreRuntimeContext;
  /** GPU ids granted to the running task or actor; `[]` in the driver. */
  gpuIds(): number[];
  /** This node's totals (user units). Driver only for now. */
  clusterResources(): Record<string, number>;
  /** What is free right now (user units). Driver only for now. */
  availableResources(): Record<string, number>;
  /** Asks to reserve the (validated) bundles; returns at once. */
  createPlacementGroup(id: string, bundles: ReadonlyArray<Record<string, number>>, strategy: PlacementGroupStrategy, name: string | undefined): void;
  /** Resolves once the group's bundles are reserved; rejects if it is removed first. */
  placementGroupReady(id: string): Promise<void>;
  removePlacementGroup(id: string): void;
  /** Driver only for now. */
  placementGroupTable(): Record<string, PlacementGroupTableEntry>;
  /** The node table, dead nodes included (`ray.nodes()`); driver only (absent in a worker's core). */
  nodes?(): NodeInfo[];
  shutdown(): Promise<void>;
}

/** One row of `ray.nodes()`. */
export interface NodeInfo {
  readonly nodeId: string;
  /** How other processes reach the node: `ws://host:port` for a node process, `in-process://<id>` for one in a driver. */
  readonly address: string;
  /** Resource totals (user units). */
  readonly resources: Readonly<Record<string, number>>;
  readonly alive: boolean;
}

/**
 * The owner's answers to an `ObjectRefGenerator` (api/object-ref-generator.ts), for a streaming
 * generator task `taskId` this thread called (owner/generator-streams.ts in the driver).
 */
export interface GeneratorCalls {
  /** Resolves true once value `index` is stored, false once the generator ended without it. */
  next(taskId: string, index: number): Promise<boolean>;
  /** The ref of value `index` (stored), owned by this thread like the refs of any call it made. */
  take(taskId: string, index: number): ObjectRef;
  /** The caller has taken `consumed` values of its bounded generator: the generator may go on. */
  consumed(taskId: string, consumed: number): void;
  /** The caller's `ObjectRefGenerator` was collected after `taken` values: the others are freed, later ones not kept. */
  drop(taskId: string, taken: number): void;
}

/** One row of `ray.placementGroupTable()`. */
export interface PlacementGroupTableEntry {
  readonly placementGroupId: string;
  readonly name: string | undefined;
  readonly strategy: PlacementGroupStrategy;
  readonly bundles: ReadonlyArray<Record<string, number>>;
  readonly state: "PENDING" | "CREATED" | "REMOVED";
  /** The node holding each bundle, by bundle index (Ray's `bundles_to_node_id`); empty until CREATED. */
  readonly bundlesToNodeId: Readonly<Record<number, string>>;
}

let current: Core | undefined;

export function currentCore(what: string): Core {
  if (current === undefined) throw new NotInitializedError(what);
  return current;
}

export function peekCore(): Core | undefined {
  return current;
}

export function installCore(core: Core | undefined): void {
  current = core;
}
