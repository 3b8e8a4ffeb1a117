/**
 * The messages between the driver thread and a worker thread.
 *
 * Type-only tagged unions (`t`), handled exhaustively on both sides with a
 * `never` check. Values always travel encoded by the codec (`Uint8Array`);
 * errors travel as the codec's wire form (`WireError`). Requests that expect an
 * answer carry a `reqId` unique per sender; the answer is a `reply` with the
 * same id. A worker may hold many tasks in flight at once (they are keyed by
 * `taskId`), so the driver is free to pipeline work to it.
 *
 * Both the driver side and the thread side import this file; it imports
 * nothing but types.
 */
import type {
  ActorCallSubmission,
  ActorCreation,
  ActorDescriptor,
  FnLocation,
  NamedActor,
  ResolvedDeps,
  Streaming,
  TaskSubmission,
  WireError,
} from "../common/task-spec.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import type { TaskClaim } from "./task-claims.js";

// ---------------------------------------------------------------- driver → worker

export type ToWorker =
  | {
      readonly t: "run";
      /**
       * The lease this task runs under. A thread runs the tasks of one lane
       * one after another, in arrival order; tasks of different lanes run
       * independently. The driver may send several tasks of a lane ahead
       * (pipelining), each with a `claim` (see task-claims.ts): the driver
       * may revoke it until the thread claims it to start it.
       */
      readonly lane: number;
      readonly taskId: string;
      /** The function, by the driver's number for it (see owner/function-numbers.ts). */
      readonly fn: number;
      /** Its location, sent with the first task of `fn` a thread receives (afterwards undefined): the thread keeps it. */
      readonly fnLocation: FnLocation | undefined;
      readonly name: string;
      readonly args: Uint8Array;
      readonly deps: ResolvedDeps | undefined;
      readonly numReturns: number;
      /** GPU devices granted to the task's lease (`ray.getGpuIds()`); undefined when none. */
      readonly gpuIds: readonly number[] | undefined;
      /**
       * What the lease holds (`getRuntimeContext().getAssignedResources()`, user units). Undefined
       * for exactly `{ CPU: 1 }`, the default task's, so the common case carries nothing more.
       */
      readonly resources: Readonly<Record<string, number>> | undefined;
      /** Set for a task sent ahead (it waits behind another): start it only if `claimToStart` allows. */
      readonly claim: TaskClaim | undefined;
      /** A streaming generator: report each value with `genItem` (absent: a normal task). */
      readonly streaming?: Streaming | undefined;
    }
  | {
      readonly t: "createActor";
      readonly actorId: string;
      readonly cls: FnLocation;
      readonly name: string;
      readonly args: Uint8Array;
      readonly deps: ResolvedDeps | undefined;
      readonly maxConcurrency: number;
      /** GPU devices the actor holds for life (`ray.getGpuIds()`); absent when none. */
      readonly gpuIds?: readonly number[];
      /** The actor as its handles describe it (`getRuntimeContext().currentActor`). */
      readonly actor?: ActorDescriptor;
      /** What the actor holds for life (`getAssignedResources()`); absent: nothing. */
      readonly resources?: Readonly<Record<string, number>>;
      /** This instance replaces one that died (`wasCurrentActorReconstructed`). */
      readonly restarted?: boolean;
      /** Concurrency groups (`concurrencyGroups` actor option): each runs up to its limit of calls at once. */
      readonly concurrencyGroups?: Readonly<Record<string, number>>;
    }
  | {
      readonly t: "callActor";
      /** The actor it is for: a shared thread hosts several. */
      readonly actorId: string;
      readonly taskId: string;
      readonly method: string;
      readonly name: string;
      readonly args: Uint8Array;
      readonly deps: ResolvedDeps | undefined;
      readonly numReturns: number;
      /** A generator method that streams: report each value with `genItem`. */
      readonly streaming?: Streaming | undefined;
      /** The concurrency group it runs in, when the call chose one (`.options({ concurrencyGroup })`); else the method's. */
      readonly group?: string;
    }
  /**
   * `ray.cancel` of a task or actor call sent here: dropped if it has not started, else its
   * signal aborts (`getRuntimeContext().signal`) and its pending `get`/`wait`s fail.
   */
  | { readonly t: "cancel"; readonly taskId: string; readonly name: string }
  /** The consumer of streaming generator `taskId` has taken `consumed` of its values: a generator paused by backpressure may go on. */
  | { readonly t: "genAck"; readonly taskId: string; readonly consumed: number }
  /**
   * Actor reference counting: an actor this thread borrows is held by borrowers alone, so its copies
   * here may be garbage: collect (now, and while handles stay live, less and less often).
   */
  | { readonly t: "collectHandles" }
  /** Forget this actor (killed, or its constructor failed) and whatever it had queued; its thread-mates go on. */
  | { readonly t: "dropActor"; readonly actorId: string }
  /** The thread's claim cells (task-claims.ts), sent once before the first task with a `claim`. */
  | { readonly t: "claimCells"; readonly buffer: SharedArrayBuffer }
  | { readonly t: "reply"; readonly reqId: number; readonly ok: true; readonly value: ReplyValue }
  | { readonly t: "reply"; readonly reqId: number; readonly ok: false; readonly error: WireError };

export type ReplyValue =
  | { readonly k: "objects"; readonly bytes: readonly Uint8Array[] }
  | { readonly k: "ready"; readonly ready: readonly boolean[] }
  | { readonly k: "actor"; readonly actor: ActorDescriptor }
  | { readonly k: "namedActors"; readonly actors: ReadonlyArray<NamedActor> }
  /** To `genNext`: whether the value is there (false: the generator ended without it). */
  | { readonly k: "more"; readonly more: boolean }
  | { readonly k: "none" };

// ---------------------------------------------------------------- worker → driver

/**
 * How long a value that carries actor handles holds those actors (owner/actor-holds.ts): a
 * submission's arguments until its return `id` settles (retries included); a put value or results
 * until the objects `ids` are deleted from this process's store (never, for objects stored
 * elsewhere); a constructor's arguments until actor `actorId` ends (a restart runs it again);
 * `session`: a value written where no end is known, held as long as the runtime runs.
 */
export type ActorHoldEnd =
  | { readonly k: "settled"; readonly id: string }
  | { readonly k: "deleted"; readonly ids: readonly string[] }
  | { readonly k: "actorEnds"; readonly actorId: string }
  | { readonly k: "session" };

export type FromWorker =
  | { readonly t: "done"; readonly taskId: string; readonly results: readonly Uint8Array[] }
  /** Streaming generator `taskId` yielded its `index`-th value (sent as it is produced, before its `done`/`failed`). */
  | { readonly t: "genItem"; readonly taskId: string; readonly index: number; readonly bytes: Uint8Array }
  /**
   * The next value (`index`) of streaming generator `generator`, which this thread called: the
   * reply (`more`) comes once it is stored, or the generator ended without it. `taskId`: the
   * task that waits (it lends its CPU meanwhile, as in a `wait`).
   */
  | {
      readonly t: "genNext";
      readonly reqId: number;
      readonly generator: string;
      readonly index: number;
      readonly taskId: string | undefined;
    }
  /** This thread's `ObjectRefGenerator` for `taskId` was collected after `taken` values: free the rest. */
  | { readonly t: "genDrop"; readonly taskId: string; readonly taken: number }
  /** This thread's consumer took `consumed` values of generator `taskId` (only sent with a backpressure bound). */
  | { readonly t: "genConsumed"; readonly taskId: string; readonly consumed: number }
  | { readonly t: "failed"; readonly taskId: string; readonly error: WireError; readonly errorName: string }
  | { readonly t: "actorReady"; readonly actorId: string }
  /** `ray.exitActor()` ran in the actor's call `taskId`: the actor ends once that call is done. */
  | { readonly t: "exitActor"; readonly actorId: string; readonly taskId: string }
  | { readonly t: "actorFailed"; readonly actorId: string; readonly error: WireError }
  | { readonly t: "submit"; readonly task: TaskSubmission }
  | { readonly t: "createActor"; readonly creation: ActorCreation }
  | { readonly t: "callActor"; readonly call: ActorCallSubmission }
  | { readonly t: "put"; readonly id: string; readonly bytes: Uint8Array }
  /** An object this thread owns is unreachable: the driver may drop it (see common/reference-counter.ts). */
  | { readonly t: "release"; readonly id: string }
  /**
   * Actor reference counting (thread/handle-borrows.ts): this thread now holds a live handle of
   * `actorId` (its first); the reply (`none`) comes once the actor's owner counts the borrow, and
   * the thread reports no task done before it has it. `reqId` undefined: no reply (the thread's
   * own process owns the actor, and this port's order already puts the borrow first).
   */
  | { readonly t: "borrowActor"; readonly reqId: number | undefined; readonly actorId: string }
  /** This thread's last live handles of these actors were collected. */
  | { readonly t: "releaseActors"; readonly actorIds: readonly string[] }
  /** A value this thread encoded (arguments, a put, a result) carries handles of these actors: they are held until `until`. */
  | { readonly t: "holdActors"; readonly actorIds: readonly string[]; readonly until: ActorHoldEnd }
  /** `ray.free` in a task: these objects are freed on every node. */
  | { readonly t: "free"; readonly ids: readonly string[] }
  /**
   * This thread holds no view of these slabs any more (object-store/slab-pool.ts):
   * it hands back `counts[i]` deliveries of slab `slabs[i]` (see `storeBytesOf`).
   * Batched: one message per turn of the thread's event loop.
   */
  | { readonly t: "unpin"; readonly slabs: readonly number[]; readonly counts: readonly number[] }
  | {
      readonly t: "get";
      readonly reqId: number;
      readonly ids: readonly string[];
      readonly timeoutS: number | undefined;
      readonly taskId: string | undefined;
    }
  | {
      readonly t: "wait";
      readonly reqId: number;
      readonly ids: readonly string[];
      readonly numReturns: number;
      readonly timeoutS: number | undefined;
      readonly taskId: string | undefined;
    }
  | { readonly t: "getActor"; readonly reqId: number; readonly name: string; readonly namespace: string }
  /** `namespace` undefined: every namespace. */
  | { readonly t: "listNamedActors"; readonly reqId: number; readonly namespace: string | undefined }
  | { readonly t: "kill"; readonly actorId: string; readonly noRestart: boolean }
  | { readonly t: "cancel"; readonly objectId: string; readonly force: boolean; readonly recursive: boolean }
  /** `taskId`: the task or actor call that printed it (a node process sends a guest task's lines to its owner). */
  | { readonly t: "log"; readonly stream: "out" | "err"; readonly label: string; readonly text: string; readonly taskId?: string | undefined }
  /** `ray.placementGroup` in a task or actor (validated there; the id is minted there). */
  | {
      readonly t: "createPlacementGroup";
      readonly id: string;
      readonly bundles: ReadonlyArray<Record<string, number>>;
      readonly strategy: PlacementGroupStrategy;
      readonly name: string | undefined;
    }
  | { readonly t: "placementGroupReady"; readonly reqId: number; readonly id: string }
  | { readonly t: "removePlacementGroup"; readonly id: string }
  /**
   * A synchronous query (`ray.availableResources()` … in a thread): the driver
   * writes the JSON answer into `buffer` after an 8-byte header (int32 state:
   * 1 answered, 2 too long; int32 byte length) and notifies; the thread waits
   * on it with `Atomics.wait`.
   */
  | { readonly t: "syncQuery"; readonly query: SyncQuery; readonly buffer: SharedArrayBuffer };

export type SyncQuery = "clusterResources" | "availableResources" | "placementGroupTable";

/** What `workerData` carries into every tsray worker thread. */
export interface TsrayWorkerData {
  readonly tsrayWorker: true;
  /** Prefix of every id this thread generates, unique in the cluster. */
  readonly idPrefix: string;
  readonly workerId: string;
  readonly nodeId: string;
  readonly jobId: string;
  readonly namespace: string;
  /** Set for an actor's dedicated worker. */
  readonly actorId?: string | undefined;
  /** Set for a thread that hosts `hosting: "shared"` actors (several, by id). */
  readonly sharedActors?: true;
  /** Modules holding remote functions the driver had registered when the thread started: imported before `ready`. */
  readonly preload?: readonly string[];
}

/**
 * The object-store bytes a message carries (resolved ref arguments, objects
 * a `get` asked for): the driver pins the slabs among them for the receiving
 * thread, which hands each delivery back with `unpin` (one per occurrence
 * here, so both sides count alike).
 */
export function storeBytesOf(m: ToWorker): readonly Uint8Array[] | undefined {
  switch (m.t) {
    case "run":
    case "createActor":
    case "callActor":
      return m.deps?.bytes;
    case "reply":
      return m.ok && m.value.k === "objects" ? m.value.bytes : undefined;
    case "cancel":
    case "claimCells":
    case "dropActor":
    case "genAck":
    case "collectHandles":
      return undefined;
    default:
      return unreachable(m);
  }
}

/** The same message with every bytes of `storeBytesOf` replaced by `map(bytes)` (a new message when any changed). */
export function mapStoreBytes(m: ToWorker, map: (bytes: Uint8Array) => Uint8Array): ToWorker {
  const list = storeBytesOf(m);
  if (list === undefined) return m;
  const mapped = list.map(map);
  if (mapped.every((b, i) => b === list[i])) return m;
  if (m.t === "reply") return { ...m, value: { k: "objects", bytes: mapped } } as ToWorker;
  return { ...m, deps: { idx: (m as { deps: ResolvedDeps }).deps.idx, bytes: mapped } } as ToWorker;
}

/** Raises a type error when a switch over a union misses a case; at run time, reports the stray value. */
export function unreachable(value: never): never {
  throw new Error(`tsray: unexpected message ${JSON.stringify(value)}`);
}
