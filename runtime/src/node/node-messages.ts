/**
 * The node protocol (issue 11): what an owner (a driver) asks of a node in another process to get
 * its tasks run there, after Ray's raylet lease protocol — the wire form of `NodeClient`
 * (node-client.ts) for TASK leases. A `RemoteNodeClient` (remote-node-client.ts) sends `ToNode`;
 * the node's `NodeService` (node-service.ts) serves it with its own scheduler and worker pool.
 *
 * Type-only tagged unions, handled exhaustively on both ends, checked at the boundary
 * (node-message-checks.ts). Replies are typed by their request, each naming the lease it answers:
 *
 * | owner → node | node → owner |
 * |---|---|
 * | `lease` (a `TaskLeaseSpec`, demand as JSON) | `granted` (what the grant holds) or `refused` (no such placement group here) |
 * | `cancelLease` | nothing (a lease granted meanwhile is returned: the owner returns a grant it no longer wants) |
 * | `run` (a task on the leased worker; small arguments inline, large ones as locations to pull) | `done` (small results inline, large ones kept on the node, their location reported) / `failed` / `argsLost` |
 * | `cancel` (soft), `stop` (force: the worker is stopped) | `lost` when the worker died, with every lease on it |
 * | `return` | nothing |
 * | a `run` of a streaming generator (`streaming`) | `genItem` per value as it is yielded, before its `done`/`failed` (small inline, large kept on the node, as results) |
 * | `genAck` (the caller took values: a generator paused by backpressure goes on) | nothing |
 * | nothing | `log`: a line a task of this owner printed on the node (its pid and worker named, for the prefix) |
 * | `actorsHeld` (the owner holds the actors a `done`/`genItem`'s `actors` named) | nothing (handed-handles.ts) |
 * | `freeObjects` (the owner dropped these objects) | nothing (the node frees its copies) |
 *
 * The connection closing is the node's death for the owner: every lease on it is lost and every
 * lease request on it fails (remote-node-client.ts), so nothing waits for a node that is gone.
 * Only plain data and bytes: the ws frame codec carries it as it is.
 */
import type { FnLocation, Streaming, WireError } from "../common/task-spec.js";
import type { Isolation } from "../common/options.js";
import type { Placement } from "../scheduler/scheduling-strategy.js";
import type { Held } from "../object-store/object-location.js";
import type { ToWorker } from "../protocol/thread-messages.js";

/** A `TaskLeaseSpec` on the wire: its demand in user units. */
export interface WireLeaseSpec {
  readonly id: string;
  readonly name: string;
  readonly demand: Readonly<Record<string, number>>;
  readonly placement: Placement;
  readonly classKey: string;
  readonly isolation: Isolation;
}

/** A `run` on the wire: the function by location (the node numbers functions for its threads itself). */
export interface WireRun {
  readonly taskId: string;
  readonly fnLocation: FnLocation;
  readonly name: string;
  readonly args: Uint8Array;
  readonly deps: { readonly idx: readonly number[]; readonly bytes: readonly Held[] } | undefined;
  readonly numReturns: number;
  /** A streaming generator: each value comes back as a `genItem` (node/generator-wire.ts); absent: a normal task. */
  readonly streaming?: Streaming | undefined;
}

/** The first message on a connection to a node: what it carries, and the node (or driver) it comes from. */
export interface OpenChannel {
  readonly t: "open";
  /**
   * `leases`: this protocol; `objects`: the object-transfer protocol (protocol/object-transfer.ts);
   * `owner`: the owner protocol (protocol/owner-messages.ts), asked and answered both ways.
   */
  readonly channel: "leases" | "objects" | "owner";
  readonly from: string;
  /** On `owner`: the job whose ids the dialling runtime mints (common/ids.ts `ownerOf`), whose objects it answers for. */
  readonly job?: string | undefined;
}

export type ToNode =
  | OpenChannel
  | { readonly t: "lease"; readonly spec: WireLeaseSpec }
  | { readonly t: "cancelLease"; readonly leaseId: string }
  | { readonly t: "run"; readonly leaseId: string; readonly run: WireRun }
  | { readonly t: "cancel"; readonly leaseId: string; readonly taskId: string; readonly name: string }
  | { readonly t: "stop"; readonly leaseId: string }
  | { readonly t: "return"; readonly leaseId: string }
  | ActorToNode
  | BundlesToNode
  /** The caller of streaming generator `taskId` (running under `leaseId`) has taken `consumed` of its values. */
  | { readonly t: "genAck"; readonly leaseId: string; readonly taskId: string; readonly consumed: number }
  /** The owner dropped these objects: the node frees its copies (a large result it kept, copies it pulled). */
  | { readonly t: "freeObjects"; readonly objectIds: readonly string[] }
  /** The owner holds the actors the values of these objects carry (their `actors`): the node lets go of them (handed-handles.ts). */
  | { readonly t: "actorsHeld"; readonly objectIds: readonly string[] };

export type FromNode =
  | {
      readonly t: "granted";
      readonly leaseId: string;
      readonly resources: Readonly<Record<string, number>>;
      readonly gpuIds: readonly number[];
      /** The worker's id on that node (for messages and errors). */
      readonly workerId: string;
    }
  | { readonly t: "refused"; readonly leaseId: string; readonly message: string }
  | { readonly t: "done"; readonly leaseId: string; readonly taskId: string; readonly results: readonly Held[]; readonly actors?: readonly string[] }
  | { readonly t: "failed"; readonly leaseId: string; readonly taskId: string; readonly error: WireError; readonly errorName: string }
  | { readonly t: "argsLost"; readonly leaseId: string; readonly taskId: string; readonly message: string }
  | { readonly t: "lost"; readonly leaseId: string; readonly exitCode: number; readonly message: string | undefined }
  | ActorFromNode
  | { readonly t: "bundlesDone"; readonly reqId: number; readonly ok: boolean }
  /** Streaming generator `taskId` yielded its `index`-th value: its bytes, or where this node keeps it. */
  | { readonly t: "genItem"; readonly leaseId: string; readonly taskId: string; readonly index: number; readonly value: Held; readonly actors?: readonly string[] }
  | {
      readonly t: "log";
      readonly stream: "out" | "err";
      /** What printed it (the task's name), as a thread labels its lines. */
      readonly label: string;
      readonly text: string;
      /** The node process and its worker, for the driver's prefix `(label pid=… worker=… node=…)`. */
      readonly pid: number;
      readonly workerId: string;
    };

/**
 * Placement-group bundles reserved on a node process in two phases (issue 11), driven by the
 * owner's `ClusterPlacementGroups`: `prepareBundles` (all of the group's bundles the plan puts
 * here, or none: `ok` says which), then `commitBundles` on every node, or `cancelBundles` (roll a
 * prepare back); `returnBundles` removes the group here. Each is answered by one `bundlesDone`
 * with its `reqId`; a closing connection rejects every one still waiting.
 */
export type BundlesToNode =
  | {
      readonly t: "prepareBundles";
      readonly reqId: number;
      readonly placementGroupId: string;
      readonly bundleCount: number;
      readonly bundles: ReadonlyArray<{ readonly bundleIndex: number; readonly resources: Readonly<Record<string, number>> }>;
    }
  | {
      readonly t: "commitBundles";
      readonly reqId: number;
      readonly placementGroupId: string;
      readonly bundleNodes: readonly string[];
      readonly bundles: ReadonlyArray<Readonly<Record<string, number>>>;
    }
  | { readonly t: "cancelBundles"; readonly reqId: number; readonly placementGroupId: string }
  | { readonly t: "returnBundles"; readonly reqId: number; readonly placementGroupId: string };

/**
 * Actors on a node process (issue 11), after Ray's actor creation task and direct actor calls.
 * The OWNER of an actor leases its placement (`actorLease`, answered `actorGranted` /
 * `actorRefused`), starts its worker there under a key it chose (`startActorWorker`: a dedicated
 * worker, or a host of shared actors when `actorId` is undefined), posts the constructor and
 * `dropActor`/`cancel` to that worker (`actorPost`), stops it (`stopActorWorker`) and returns the
 * lease when the actor died (`returnActorLease`). The node tells the owner what only it sees: the
 * constructor threw (`actorFailed`), `ray.exitActor()` ran (`exitActor`), the worker exited
 * (`actorWorkerExited`).
 *
 * ANY caller (the owner, or another driver holding a handle) sends a method call to the node that
 * hosts the actor (`actorCall`); the answer goes to the connection that sent it: `actorCallDone`
 * (small results inline, large ones kept on the node by location), `actorCallFailed` (the method
 * threw), or `actorCallDied` (no live actor there, or its worker died while running it: the caller
 * fails it with `ActorDiedError`, unless it is the owner, which restarts or fails its own calls).
 * `killActor` from a caller that is not the owner goes to the owner (`killRequested`), or ends an
 * orphaned detached actor there. `cancelActorCall` (`ray.cancel` by a caller that is not the owner;
 * the owner posts `cancel` itself) from the connection that sent the call: posted to the actor's
 * worker as `cancel` (it drops the call if not started, else aborts its signal); the call is still
 * answered as usual (the caller, which failed its refs already, ignores the answer).
 *
 * A call to a generator method (`streaming`) is answered first with an `actorGenItem` per value as
 * it is yielded (small inline, large kept on the node), then its `actorCallDone`/`Failed`, on the
 * same connection; the caller's `actorGenAck`s reach the actor's worker (backpressure; see
 * node/generator-wire.ts).
 */
export interface WireActorLeaseSpec {
  readonly id: string;
  readonly name: string;
  readonly demand: Readonly<Record<string, number>>;
  readonly placementDemand: Readonly<Record<string, number>>;
  readonly placement: Placement;
  /** `lifetime: "detached"`: the actor outlives its owner's connection. */
  readonly detached: boolean;
}

/** What an owner posts to an actor's worker on the node (calls go as `actorCall`, from any caller). */
export type ActorPost = Extract<ToWorker, { t: "createActor" | "dropActor" | "cancel" }>;
/** A method call as the actor's worker gets it (a generator method's `streaming` included: its values come back as `actorGenItem`s). */
export type ActorCallMessage = Extract<ToWorker, { t: "callActor" }>;

export type ActorToNode =
  | { readonly t: "actorLease"; readonly spec: WireActorLeaseSpec }
  | { readonly t: "cancelActorLease"; readonly actorId: string }
  | { readonly t: "returnActorLease"; readonly actorId: string }
  | { readonly t: "startActorWorker"; readonly key: string; readonly actorId: string | undefined; readonly gpuIds: readonly number[]; readonly isolation: Isolation }
  | { readonly t: "actorPost"; readonly key: string; readonly message: ActorPost }
  | { readonly t: "stopActorWorker"; readonly key: string }
  | { readonly t: "actorCall"; readonly call: ActorCallMessage }
  | { readonly t: "killActor"; readonly actorId: string; readonly noRestart: boolean }
  /** `ray.cancel` of call `taskId` by the caller that sent it (not the owner: its goes as an `actorPost`). */
  | { readonly t: "cancelActorCall"; readonly actorId: string; readonly taskId: string; readonly name: string }
  /** The caller of streaming call `taskId` has taken `consumed` of its values: posted to the actor's worker as `genAck`. */
  | { readonly t: "actorGenAck"; readonly actorId: string; readonly taskId: string; readonly consumed: number };

/** The answers to an `actorCall`, to the connection that sent it (or to an in-process caller). */
export type ActorCallReply =
  | { readonly t: "actorCallDone"; readonly actorId: string; readonly taskId: string; readonly results: readonly Held[]; readonly actors?: readonly string[] }
  | { readonly t: "actorCallFailed"; readonly actorId: string; readonly taskId: string; readonly error: WireError }
  | { readonly t: "actorCallDied"; readonly actorId: string; readonly taskId: string; readonly message: string }
  /** Streaming call `taskId` yielded its `index`-th value (before its `actorCallDone`/`Failed`): its bytes, or where the node keeps it. */
  | { readonly t: "actorGenItem"; readonly actorId: string; readonly taskId: string; readonly index: number; readonly value: Held; readonly actors?: readonly string[] };

export type ActorFromNode =
  | { readonly t: "actorGranted"; readonly actorId: string; readonly resources: Readonly<Record<string, number>>; readonly gpuIds: readonly number[] }
  | { readonly t: "actorRefused"; readonly actorId: string; readonly message: string }
  | { readonly t: "actorFailed"; readonly actorId: string; readonly error: WireError }
  | { readonly t: "exitActor"; readonly actorId: string; readonly taskId: string }
  | { readonly t: "actorWorkerExited"; readonly key: string; readonly exitCode: number; readonly message: string | undefined }
  /** Another caller asked to kill the owner's actor (`ray.kill`): the owner kills it as if it had been asked itself. */
  | { readonly t: "killRequested"; readonly actorId: string; readonly noRestart: boolean }
  | ActorCallReply;

const actorToNodeKinds: ReadonlySet<string> = new Set<ActorToNode["t"]>([
  "actorLease",
  "cancelActorLease",
  "returnActorLease",
  "startActorWorker",
  "actorPost",
  "stopActorWorker",
  "actorCall",
  "killActor",
  "cancelActorCall",
  "actorGenAck",
]);
const actorFromNodeKinds: ReadonlySet<string> = new Set<ActorFromNode["t"]>([
  "actorGranted",
  "actorRefused",
  "actorFailed",
  "exitActor",
  "actorWorkerExited",
  "killRequested",
  "actorCallDone",
  "actorCallFailed",
  "actorCallDied",
  "actorGenItem",
]);

export function isActorToNode(m: ToNode): m is ActorToNode {
  return actorToNodeKinds.has(m.t);
}

export function isActorFromNode(m: FromNode): m is ActorFromNode {
  return actorFromNodeKinds.has(m.t);
}

/** A line a task or actor of this owner printed on the node. */
export type NodeLogLine = Extract<FromNode, { t: "log" }>;

export function unreachableNode(m: never): never {
  throw new Error(`unknown node message ${JSON.stringify(m)}`);
}
