// A LocalScheduler wired to event recorders, for the façade's tests.
import * as S from "tsray/internal/scheduler";
import type * as SchedulerModule from "tsray/internal/scheduler";

export type Grant = SchedulerModule.Grant<string>;
export type Request = SchedulerModule.ScheduleRequest<string>;

export interface Harness {
  readonly scheduler: SchedulerModule.LocalScheduler<string>;
  /** Grants in dispatch order. */
  readonly dispatched: Grant[];
  readonly infeasible: Array<{ id: string; missing: Record<string, number>; reason: string }>;
  readonly spilled: Array<{ id: string; nodeId: string }>;
  readonly unschedulable: Array<{ id: string; reason: string }>;
  readonly groupsReady: string[];
  readonly groupsInfeasible: string[];
  /** Ids currently running (dispatched, not finished). */
  running(): string[];
  /** Submits a task request with these options. */
  task(id: string, options?: Parameters<typeof S.taskRequest>[2]): void;
  actor(id: string, options?: Parameters<typeof S.actorRequest>[2]): void;
  finish(id: string): void;
}

export function harness(
  totals: Record<string, number>,
  extra: Partial<SchedulerModule.LocalSchedulerOptions<string>> = {},
): Harness {
  const dispatched: Grant[] = [];
  const infeasible: Harness["infeasible"] = [];
  const spilled: Harness["spilled"] = [];
  const unschedulable: Harness["unschedulable"] = [];
  const groupsReady: string[] = [];
  const groupsInfeasible: string[] = [];
  const live = new Set<string>();
  const scheduler = new S.LocalScheduler<string>({
    nodeId: "local",
    totals: S.ResourceSet.of(totals),
    ...extra,
    events: {
      onDispatch: (_request, grant) => {
        dispatched.push(grant);
        live.add(grant.id);
      },
      onInfeasible: (request, missing, reason) => infeasible.push({ id: request.id, missing: missing.toJSON(), reason }),
      onSpillback: (request, nodeId) => spilled.push({ id: request.id, nodeId }),
      onUnschedulable: (request, reason) => unschedulable.push({ id: request.id, reason }),
      onPlacementGroupReady: (id) => groupsReady.push(id),
      onPlacementGroupInfeasible: (id) => groupsInfeasible.push(id),
    },
  });
  return {
    scheduler,
    dispatched,
    infeasible,
    spilled,
    unschedulable,
    groupsReady,
    groupsInfeasible,
    running: () => [...live],
    task: (id, options) => scheduler.submit(S.taskRequest(id, id.replace(/\d+$/, ""), options, `payload of ${id}`)),
    actor: (id, options) => scheduler.submit(S.actorRequest(id, id.replace(/\d+$/, ""), options, `payload of ${id}`)),
    finish: (id) => {
      if (!scheduler.release(id)) throw new Error(`${id} was not running`);
      live.delete(id);
    },
  };
}
