/**
 * Taking back tasks sent ahead into a lease's lane (`TaskManager.fill` sends them; see
 * "pipelining" in docs/architecture.md). Kept apart from the task manager because it is one
 * decision with its own rules — which lane gives tasks back, and which of its tasks may come
 * back — over state the manager hands in: its leases, and its `leave` (which takes a task off
 * its lease and thread, returning an emptied lease's grant).
 *
 * Invariants: only a task whose claim cell this side revoked comes back (task-claims.ts: its
 * thread will never start it, with no round trip), never the running one nor one being
 * cancelled; a task that comes back is off its lease and "queued" again, at the head of the
 * node's queue, in lane order (the manager's invariant: in the scheduler's queue exactly while
 * its phase is "queued").
 */
import type { Lease } from "../node/lease.js";
import type { NodeClient } from "../node/node-client.js";
import type { TaskState } from "./task-state.js";

/**
 * CPUs went idle and nothing queued took them: the tasks waiting behind a
 * running one in the lane with the most of them (same CPU demand) are
 * revoked and queued first again, so the idle CPUs take them at once (the
 * scheduler spreads them by `fill`'s fair share). Repeated while CPUs stay
 * idle and some lane still has tasks waiting that its thread has not claimed.
 */
export function stealFor(leases: ReadonlyMap<number, Lease<TaskState>>, node: NodeClient, cpuUnits: bigint, leave: (state: TaskState) => void): void {
  let tried: Array<Lease<TaskState>> | undefined;
  while (cpuUnits > 0n && node.availableCpuUnits() >= cpuUnits) {
    let victim: Lease<TaskState> | undefined;
    for (const l of leases.values()) {
      if (l.node !== node || l.cpuUnits !== cpuUnits || l.tasks.length < 2 || (victim !== undefined && l.tasks.length <= victim.tasks.length)) continue;
      if (tried === undefined || !tried.includes(l)) victim = l;
    }
    if (victim === undefined) return;
    (tried ??= []).push(victim);
    revokeWaiting(victim, leave);
  }
}

/**
 * Takes back the lease's tasks waiting behind its running one that its
 * thread has not claimed (task-claims.ts: no round trip, even while the
 * thread is busy), and queues them first again, in lane order. A task being
 * cancelled stays: its thread drops it and reports it.
 */
export function revokeWaiting(lease: Lease<TaskState>, leave: (state: TaskState) => void): void {
  const claims = lease.worker.claims;
  if (claims === undefined || lease.tasks.length < 2) return;
  const back: TaskState[] = [];
  for (const t of lease.tasks.slice(1)) {
    if (t.claim === undefined || t.cancelled !== "no" || !claims.revoke(t.claim)) continue;
    leave(t);
    t.phase = "queued";
    t.queuedAt = lease.node;
    back.push(t);
  }
  if (back.length > 0) lease.node.requestLeasesFirst(back.map((t) => t.spec));
}
