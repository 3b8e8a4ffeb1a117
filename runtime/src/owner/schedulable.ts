/**
 * The scheduling shape of what an owner asks nodes to run: a task's lease
 * spec and an actor's (node/node-client.ts), built from the spec's
 * `SchedulingOptions`; the demand and placement of an options object are
 * computed once (a remote function's options are one object for all its calls).
 */
import type { SchedulingOptions } from "../common/task-spec.js";
import type { Isolation } from "../common/options.js";
import { actorDemand, taskDemand, type ActorDemand } from "../scheduler/resource-demand.js";
import type { ResourceSet } from "../scheduler/resource-set.js";
import { schedulingClassKey } from "../scheduler/schedule-request.js";
import { toPlacement, type Placement } from "../scheduler/scheduling-strategy.js";
import type { ActorLeaseSpec } from "../node/node-client.js";

/** What a task's request holds besides its id and payload: the same for every call with the same options. */
export interface TaskShape {
  readonly demand: ResourceSet;
  readonly placement: Placement;
  /** Where the task runs: a pool thread or a child-process worker. */
  readonly isolation: Isolation;
  readonly classKey: string;
}
const taskShapes = new WeakMap<SchedulingOptions, TaskShape>();
const actorShapes = new WeakMap<SchedulingOptions, ActorDemand & { where: Placement }>();

/**
 * The scheduling shape of a task with options `o` (validated; throws
 * `InvalidArgumentError` otherwise). The task's own record is its request
 * (see `TaskState`), so a queued task costs no request object of its own.
 */
export function taskShapeOf(name: string, o: SchedulingOptions): TaskShape {
  let shape = taskShapes.get(o);
  if (shape === undefined) {
    const demand = taskDemand(o, name);
    const placement = toPlacement(o.schedulingStrategy);
    // Thread and child-process work never share a lease (a lease's tasks run on one worker): own classes.
    const isolation = o.isolation === "process" ? "|process" : "";
    shape = {
      demand,
      placement,
      isolation: o.isolation ?? "thread",
      classKey: schedulingClassKey({ id: "", name, demand, placement, payload: undefined }) + isolation,
    };
    taskShapes.set(o, shape);
  }
  return shape;
}

/** An actor's lease spec: placement demand free to place it, lifetime demand held while it lives. */
export function actorLeaseSpecOf(id: string, name: string, o: SchedulingOptions): ActorLeaseSpec {
  let shape = actorShapes.get(o);
  if (shape === undefined) {
    shape = { ...actorDemand(o, name), where: toPlacement(o.schedulingStrategy) };
    actorShapes.set(o, shape);
  }
  return { id, name, demand: shape.lifetime, placementDemand: shape.placement, placement: shape.where };
}
