/**
 * The warning a driver prints when work cannot be placed on any node (Ray's "infeasible" warning):
 * once per task or actor name and demand (the scheduler reports once per scheduling class;
 * several classes may share a name, e.g. `f.options(...)`), so a loop of such calls prints one line.
 */
import type { ResourceSet } from "../scheduler/resource-set.js";
import type { ScheduleRequest } from "../scheduler/schedule-request.js";
import { infeasibleWarning } from "../scheduler/scheduler-status.js";

export class InfeasibleWarnings {
  /** `Task add` / `Actor Counter` with its demand: warned about once each. */
  private readonly warned = new Set<string>();

  warn(request: ScheduleRequest<unknown>, missing: ResourceSet, reason: string): void {
    // An actor's lease request carries its spec as payload (node/local-node-client.ts).
    const kind = request.payload === undefined ? "Task" : "Actor";
    const key = `${kind} ${request.name} ${(request.placementDemand ?? request.demand).key()}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    process.stderr.write(`tsray: warning: ${infeasibleWarning(request, missing, reason, kind)}\n`);
  }
}
