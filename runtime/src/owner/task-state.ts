/**
 * The owner's record of one normal task (task-manager.ts), its retry policy,
 * and the error of a task whose placement group went away.
 */
import { NodeDiedError, OutOfMemoryError, TaskCancelledError, WorkerCrashedError } from "../common/errors.js";
import type { EncodedArgs, TaskCall } from "../common/task-spec.js";
import type { HeldDeps } from "../object-store/object-location.js";
import type { Lease } from "../node/lease.js";
import type { NodeClient, TaskLeaseSpec } from "../node/node-client.js";
import type { TaskClaim } from "../protocol/task-claims.js";
import { taskShapeOf } from "./schedulable.js";
import type { Grant } from "../scheduler/schedule-request.js";

/**
 * One task, from submission to its last result. A million may be queued at
 * once, so it is small: what every call with the same options shares is
 * reached through `call` and the spec's `demand`/`placement` (built once per
 * options), and a single return's id is the task id. Its lease request is
 * `spec`, plain data the node queues (never this live record).
 */
export class TaskState {
  phase: "deps" | "queued" | "sent" = "deps";
  /** Its resolved ref arguments: bytes, or where a large one is held (the running node pulls it). */
  deps: HeldDeps | undefined = undefined;
  lease: Lease<TaskState> | undefined = undefined;
  /** The node its lease request is queued at while its phase is "queued". */
  queuedAt: NodeClient | undefined = undefined;
  /** Set while the task is sent ahead to a thread (waiting behind another task there): see task-claims.ts. */
  claim: TaskClaim | undefined = undefined;
  /** Outstanding `get`/`wait` requests of the task while it runs. */
  blocked = 0;
  attempts = 0;
  cancelled: "no" | "soft" | "force" = "no";
  children: string[] | undefined = undefined;
  /** What the node needs to grant it a lease. */
  readonly spec: TaskLeaseSpec;
  constructor(
    /** The task id (and the id of its single return). */
    readonly id: string,
    readonly call: TaskCall,
    readonly args: EncodedArgs,
  ) {
    const shape = taskShapeOf(call.name, call.demand);
    this.spec = { id, name: call.name, demand: shape.demand, placement: shape.placement, classKey: shape.classKey, isolation: shape.isolation };
  }
  get name(): string {
    return this.call.name;
  }
}

/** Whether the task may run again after a system failure: counts the attempt (maxRetries, -1 = forever). */
export function mayRetry(state: TaskState): boolean {
  const max = state.call.maxRetries;
  if (max !== -1 && state.attempts >= max) return false;
  state.attempts++;
  return true;
}

/** A streaming generator that yielded a value is never run again (its values were seen: owner/generator-streams.ts). */
export function streamSeen(state: TaskState, started: ((taskId: string) => boolean) | undefined): boolean {
  return state.call.streaming !== undefined && started?.(state.id) === true;
}

/** Out of memory is retried only when `retryExceptions` is true or names it (as Ray does for OOM). */

export function retriesOutOfMemory(state: TaskState): boolean {
  const retry = state.call.retryExceptions;
  return (retry === true || (Array.isArray(retry) && retry.includes("OutOfMemoryError"))) && mayRetry(state);
}

export function groupRemoved(state: TaskState): TaskCancelledError {
  return new TaskCancelledError(
    state.name,
    `Task ${state.name} was cancelled: its placement group was removed (ray.removePlacementGroup).`,
  );
}

/** What a task's grant holds, as `getAssignedResources()` shows it; undefined for the default task's `{ CPU: 1 }` (nothing extra on the wire). */
export function assignedResources(grant: Grant<unknown>): Readonly<Record<string, number>> | undefined {
  const held = grant.resources.toJSON();
  const names = Object.keys(held);
  return names.length === 1 && held["CPU"] === 1 ? undefined : held;
}

/**
 * Why a task whose worker was lost is not retried: its node died (`NodeDiedError`, when the
 * node's connection closed with the task on it), or its worker crashed (`WorkerCrashedError`).
 */
export function crashError(state: TaskState, exitCode: number, error: Error | undefined): Error {
  const budget = `(${state.attempts} retries used of maxRetries ${state.call.maxRetries})`;
  if (error instanceof NodeDiedError) {
    return new NodeDiedError(
      error.nodeId,
      `The node ${error.nodeId} running task ${state.name} died before the task finished ${budget}. Raise maxRetries to run it again on another node.`,
      { cause: error },
    );
  }
  const why = error !== undefined ? `threw ${error.name}: ${error.message}` : `exited with code ${exitCode}`;
  return new WorkerCrashedError(
    `The worker running task ${state.name} ${why} before the task finished ${budget}. Raise maxRetries if the crash is transient.`,
    error !== undefined ? { cause: error } : undefined,
  );
}

/** A task whose worker ran out of heap and that is not retried (see `retriesOutOfMemory`). */
export function outOfMemoryError(state: TaskState, error: OutOfMemoryError): OutOfMemoryError {
  return new OutOfMemoryError(
    `Task ${state.name} ran out of memory and was not retried: ${error.message} ` +
      'To retry it anyway, add "OutOfMemoryError" to its retryExceptions.',
    { cause: error },
  );
}
