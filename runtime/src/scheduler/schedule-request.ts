/**
 * What the runtime hands the scheduler (a request, carrying its own payload)
 * and what it gets back when the request may start (a grant).
 *
 * `taskRequest` / `actorRequest` build requests from user options, validating
 * them (so a bad option still throws at the call site if the runtime has not
 * validated before).
 */
import type { ActorOptions, TaskOptions } from "../common/options.js";
import type { GpuShare } from "./gpu-allocator.js";
import { actorDemand, taskDemand } from "./resource-demand.js";
import type { ResourceSet } from "./resource-set.js";
import { placementKey, toPlacement, validateSchedulingStrategy, type Placement } from "./scheduling-strategy.js";

export interface ScheduleRequest<P> {
  /** Unique among requests queued or granted on this scheduler (task id, actor id). */
  readonly id: string;
  /** Names the function or class in warnings, e.g. `add` or `Counter`. */
  readonly name: string;
  /** Held from dispatch until `release` (a task's run; an actor's lifetime). */
  readonly demand: ResourceSet;
  /** Must be free to start it, never held. Default: `demand`. (Actors: 1 CPU to place, 0 to live.) */
  readonly placementDemand?: ResourceSet;
  readonly placement: Placement;
  /**
   * `schedulingClassKey` of this request, when the caller computed it already
   * (all calls of a function share it); must equal what that function returns,
   * or extend it with what else keeps requests apart (a task's `isolation`).
   */
  readonly classKey?: string;
  /**
   * The runtime's own data; the scheduler never looks inside. Absent on a
   * task lease request (node/node-client.ts `TaskLeaseSpec`: plain data, no
   * live record), which the node client routes by id.
   */
  readonly payload?: P;
}

/** Permission to start a request on a node, with what it holds. */
export interface Grant<P> {
  readonly id: string;
  readonly request: ScheduleRequest<P>;
  readonly nodeId: string;
  /** What is held until `release` (user units via `resources.toJSON()`). */
  readonly resources: ResourceSet;
  /** GPU device ids for `CUDA_VISIBLE_DEVICES` / `ray.getGpuIds()`, ascending. */
  readonly gpuIds: readonly number[];
  /** Per-device shares (0.5 of GPU 0 …). */
  readonly gpuShares: readonly GpuShare[];
  /** Set when it runs inside a placement-group bundle. */
  readonly bundle?: { readonly placementGroupId: string; readonly bundleIndex: number };
}

/** A request for a task: holds its demand (default 1 CPU) while it runs. */
export function taskRequest<P>(id: string, name: string, options: TaskOptions | undefined, payload: P): ScheduleRequest<P> {
  const demand = taskDemand(options, name);
  validateSchedulingStrategy(options?.schedulingStrategy, name);
  return { id, name, demand, placement: toPlacement(options?.schedulingStrategy), payload };
}

/** A request to place an actor: needs its placement demand free, holds its lifetime demand. */
export function actorRequest<P>(id: string, name: string, options: ActorOptions | undefined, payload: P): ScheduleRequest<P> {
  const { placement, lifetime } = actorDemand(options, name);
  validateSchedulingStrategy(options?.schedulingStrategy, name);
  return {
    id,
    name,
    demand: lifetime,
    placementDemand: placement,
    placement: toPlacement(options?.schedulingStrategy),
    payload,
  };
}

/** The scheduling class of a request: demand shape + placement demand + strategy. */
export function schedulingClassKey(request: ScheduleRequest<unknown>): string {
  if (request.classKey !== undefined) return request.classKey;
  const place = request.placementDemand?.key() ?? request.demand.key();
  return `${request.demand.key()}|${place}|${placementKey(request.placement)}`;
}
