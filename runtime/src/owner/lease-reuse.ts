/**
 * Lease reuse across processes (Ray's): a lease on a node in another process whose task ended,
 * with none sent ahead behind it, runs the next task of its class still queued on that node
 * (node-client.ts `takeQueuedLike`) instead of being returned. A task there then costs one round
 * trip (run, done) instead of two (and no grant to wait for between tasks). Nodes in this process
 * pipeline instead (`TaskManager.fill`), so their clients do not offer it.
 */
import type { Lease } from "../node/lease.js";
import type { TaskState } from "./task-state.js";

/** True when `lease` now runs another queued task (handed over and sent with `send`); false: return it. */
export function reuseLease(lease: Lease<TaskState>, tasks: ReadonlyMap<string, TaskState>, send: (next: TaskState) => void): boolean {
  if (lease.blocked || lease.worker.client.exited) return false;
  const spec = lease.node.takeQueuedLike?.(lease.grantId);
  if (spec === undefined) return false;
  const next = tasks.get(spec.id);
  // Its request left the node's queue either way; one that settled meanwhile has nothing to run.
  if (next === undefined || next.phase !== "queued") return false;
  next.queuedAt = undefined;
  lease.node.handOver(lease.grantId, spec);
  lease.grantId = spec.id;
  send(next);
  return true;
}
