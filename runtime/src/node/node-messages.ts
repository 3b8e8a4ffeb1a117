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
 *
 * The connection closing is the node's death for the owner: every lease on it is lost and every
 * lease request on it fails (remote-node-client.ts), so nothing waits for a node that is gone.
 * Only plain data and bytes: the ws frame codec carries it as it is.
 */
import type { FnLocation, Streaming, WireError } from "../common/task-spec.js";
import type { Isolation } from "../common/options.js";
import type { Placement } from "../scheduler/scheduling-strategy.js";
import type { Held } from "../object-store/object-location.js";

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
  /** The caller of streaming generator `taskId` (running under `leaseId`) has taken `consumed` of its values. */
  | { readonly t: "genAck"; readonly leaseId: string; readonly taskId: string; readonly consumed: number };

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
  | { readonly t: "done"; readonly leaseId: string; readonly taskId: string; readonly results: readonly Held[] }
  | { readonly t: "failed"; readonly leaseId: string; readonly taskId: string; readonly error: WireError; readonly errorName: string }
  | { readonly t: "argsLost"; readonly leaseId: string; readonly taskId: string; readonly message: string }
  | { readonly t: "lost"; readonly leaseId: string; readonly exitCode: number; readonly message: string | undefined }
  /** Streaming generator `taskId` yielded its `index`-th value: its bytes, or where this node keeps it. */
  | { readonly t: "genItem"; readonly leaseId: string; readonly taskId: string; readonly index: number; readonly value: Held };

export function unreachableNode(m: never): never {
  throw new Error(`unknown node message ${JSON.stringify(m)}`);
}
