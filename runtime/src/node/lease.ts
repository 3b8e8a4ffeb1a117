/**
 * A lease: one scheduler grant (CPUs, GPUs, memory, custom resources) used
 * to run tasks of one scheduling class on one pool thread, in one lane of
 * that thread. The lease's first task is running and is the grant's holder;
 * the others were taken from the same class's queue and sent ahead
 * (pipelined): each starts when the one before it ends, and the grant is
 * handed over to it (`LocalScheduler.handOver`), so the node's accounting
 * shows exactly one task's demand held per lease and never a gap.
 * Pipelining keeps a thread busy without a round trip per task.
 *
 * Invariants: `grantId` is the id of `tasks[0]` while the lease has tasks; a
 * lease with no tasks has ended and released its grant. `blocked` is true
 * while the running task waits in `get`/`wait`: its CPUs are lent to the
 * scheduler, and the lane's tasks sent ahead are taken back. Every task
 * after `tasks[0]` was sent with a claim cell (task-claims.ts), so the task
 * manager can revoke it synchronously until the thread starts it.
 *
 * Pipelining trades balance for throughput: a long task delays the tasks
 * queued behind it in its lane. So when CPUs go idle with nothing left to
 * queue while a lane still has tasks waiting behind a running one, the task
 * manager revokes them and the idle CPUs take them at once: a granted CPU
 * never idles while a task it could run waits behind another.
 */
import type { Units } from "../scheduler/fixed-point.js";
import type { LeasedWorker, NodeClient } from "./node-client.js";

export interface Lease<T> {
  readonly lane: number;
  /** The node that granted it: every call about the lease goes to it. */
  readonly node: NodeClient;
  readonly worker: LeasedWorker;
  /** The grant's current holder (the running task's id). */
  grantId: string;
  /** CPUs the grant holds, in fixed-point units. */
  readonly cpuUnits: Units;
  /** GPU devices of the grant (sent with each task for `ray.getGpuIds()`); undefined when none. */
  readonly gpuIds: readonly number[] | undefined;
  /** What the grant holds, user units (sent with each task for `getAssignedResources()`); undefined for exactly `{ CPU: 1 }`. */
  readonly resources: Readonly<Record<string, number>> | undefined;
  /** Tasks sent to the lane and not finished, in lane order; `[0]` is running. */
  readonly tasks: T[];
  blocked: boolean;
}

/** How many tasks a lease keeps in flight on its thread. */
export const defaultPipelineDepth = 16;
