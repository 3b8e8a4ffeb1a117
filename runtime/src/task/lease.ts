/**
 * A lease: CPUs granted by the slots to run tasks on one pool thread, in one
 * lane of that thread. The lease's first task is running; the others were
 * sent ahead (pipelined) and start, in order, as each one before them ends.
 * Pipelining keeps a thread busy without a round trip per task, while the
 * lease still runs one task at a time, so CPU accounting stays exact.
 *
 * Invariants: `holding` is true while the lease holds its CPUs; it is false
 * while the running task is blocked in `get`/`wait` (the CPUs are lent out,
 * and the thread hands the lane's not-started tasks back), and after that
 * task ended blocked (the lease then only drains). A lease with no tasks has
 * ended.
 *
 * Pipelining trades balance for throughput: a long task delays the tasks
 * queued behind it in its lane. So when a lease ends with nothing left to
 * queue while another lane still has tasks waiting behind a running one, the
 * task manager asks that lane to hand them back (`steal`), and the CPU that
 * went idle takes them.
 */
import type { PoolWorker } from "../worker/worker-pool.js";

export interface Lease<T> {
  readonly lane: number;
  readonly worker: PoolWorker;
  readonly cpus: number;
  /** Tasks sent to the lane and not finished, in lane order; `[0]` is running. */
  readonly tasks: T[];
  holding: boolean;
  blocked: boolean;
  /** A `steal` was sent and its hand-back has not arrived yet. */
  stealing: boolean;
}

/** How many tasks a lease keeps in flight on its thread. */
export const defaultPipelineDepth = 16;
