/**
 * A plain-JSON picture of a `LocalScheduler` for `ray.availableResources()`,
 * `tsray status` and the dashboard: totals, what is free, pending work per
 * scheduling class (infeasible classes flagged with what they miss) and
 * reserved placement-group bundles. Amounts are in user units.
 */
import type { LocalScheduler } from "./local-scheduler.js";
import type { ResourceSet } from "./resource-set.js";
import { placementKey } from "./scheduling-strategy.js";

export interface PendingClassStatus {
  /** What each request of the class holds once running, e.g. `{ CPU: 1 }`. */
  readonly demand: Record<string, number>;
  /** `default`, `spread`, `node:<id>:soft|hard` or `pg:<id>:<bundle>`. */
  readonly strategy: string;
  readonly count: number;
  /** Distinct function/class names waiting in this class, in queue order. */
  readonly names: readonly string[];
  readonly infeasible?: { readonly missing: Record<string, number>; readonly reason: string };
}

export interface SchedulerStatus {
  readonly nodeId: string;
  readonly total: Record<string, number>;
  readonly available: Record<string, number>;
  readonly pending: readonly PendingClassStatus[];
  readonly bundles: ReadonlyArray<{
    readonly placementGroupId: string;
    readonly bundleIndex: number;
    readonly total: Record<string, number>;
    readonly available: Record<string, number>;
  }>;
}

export function schedulerStatus(scheduler: LocalScheduler<unknown>): SchedulerStatus {
  return {
    nodeId: scheduler.nodeId,
    total: scheduler.total().toJSON(),
    available: scheduler.available().toJSON(),
    pending: scheduler.pending().map((cls) => {
      const head = cls.pending[0];
      const base = {
        demand: head?.demand.toJSON() ?? {},
        strategy: head ? placementKey(head.placement) : "",
        count: cls.pending.length,
        names: [...new Set(cls.pending.map((r) => r.name))],
      };
      return cls.infeasible === undefined
        ? base
        : { ...base, infeasible: { missing: cls.infeasible.missing.toJSON(), reason: cls.infeasible.reason } };
    }),
    bundles: scheduler.bundles().map((b) => ({
      placementGroupId: b.placementGroupId,
      bundleIndex: b.bundleIndex,
      total: b.total.toJSON(),
      available: b.available.toJSON(),
    })),
  };
}

/**
 * The driver's one-time warning for an infeasible request, e.g.
 * `Task add cannot be scheduled: it needs {CPU: 4, GPU: 1}, and no node has enough
 * resources in total (missing {CPU: 2, GPU: 1}). It stays pending until that changes
 * (e.g. a node with these resources joins); cancel it with ray.cancel(ref).`
 */
export function infeasibleWarning(
  request: { readonly name: string; readonly demand: ResourceSet; readonly placementDemand?: ResourceSet },
  missing: ResourceSet,
  reason: string,
  kind: "Task" | "Actor" = "Task",
): string {
  const demand = request.placementDemand ?? request.demand;
  const lacking = missing.isEmpty() ? "" : ` (missing ${missing.toString()})`;
  return (
    `${kind} ${request.name} cannot be scheduled: it needs ${demand.toString()}, and ${reason}${lacking}. ` +
    "It stays pending until that changes (e.g. a node with these resources joins); cancel it with ray.cancel" +
    (kind === "Task" ? "(ref)." : " or ray.kill(handle).")
  );
}
