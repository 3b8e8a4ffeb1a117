/**
 * Where should a request run? A pure function of the demand, the strategy and
 * one `NodeView` per node, so the single-node runtime and the future cluster
 * (one view per node, possibly slightly stale) share it unchanged.
 *
 * Decisions:
 * - `run` on a node (and a bundle, for placement groups): it fits there now;
 * - `wait`: some node could run it but none has room now (`nodeId`, when set,
 *   is where it should wait; the cluster may forward it there);
 * - `infeasible`: no node could ever run it; `missing` says what the closest
 *   node lacks. Such a request stays pending (nodes may join) and is reported.
 * - `unschedulable`: bound to a node that is not in the cluster (hard affinity
 *   to an unknown or dead node): it fails at once, as in Ray, since a node id
 *   never comes back.
 *
 * Strategies, as Ray's raylet policies (src/ray/raylet/scheduling/policy):
 * - DEFAULT (hybrid): among nodes that fit now, score each by its most used of
 *   CPU/memory, truncating scores below `spreadThreshold` (0.5) to 0; the local
 *   node wins when its score is the lowest (so work stays local until the local
 *   node is half full, then spreads to the least loaded). Ties go to the lowest
 *   node id (Ray picks randomly among the top k; deterministic is easier to test).
 * - SPREAD: round robin over alive nodes sorted by id, from `spreadCursor`,
 *   taking the first that fits now; the decision returns the next cursor.
 *   Nothing fits now → as DEFAULT.
 * - node affinity: the node if it is alive and could ever run the demand (run
 *   now or wait there); otherwise soft falls back to DEFAULT; hard is
 *   unschedulable when the node is unknown or dead, infeasible when it is too small.
 * - placement group: the named bundle, or any bundle of the group that fits now
 *   (lowest index first); the demand is judged against the bundle's reserved
 *   resources, not the node's.
 */
import { isAvailableOn, isFeasibleOn, criticalUtilization, type NodeView } from "./node-view.js";
import type { ResourceSet } from "./resource-set.js";
import type { Placement } from "./scheduling-strategy.js";

export type PlacementDecision =
  | {
      readonly kind: "run";
      readonly nodeId: string;
      /** Set for placement-group requests: the bundle the grant comes from. */
      readonly bundleIndex?: number;
      /** Set for SPREAD: where the next SPREAD search starts. */
      readonly nextSpreadCursor?: number;
    }
  | { readonly kind: "wait"; readonly nodeId?: string }
  | { readonly kind: "infeasible"; readonly missing: ResourceSet; readonly reason: string }
  | { readonly kind: "unschedulable"; readonly reason: string };

/** One reserved bundle; `view.nodeId` is the node holding it, totals are the bundle's. */
export interface BundleView {
  readonly bundleIndex: number;
  readonly view: NodeView;
}

/** What the policy knows about the group a placement-group request names. */
export type GroupView =
  | { readonly state: "pending" }
  | { readonly state: "ready"; readonly bundles: readonly BundleView[] };

export interface PolicyContext {
  readonly localNodeId: string;
  /** Utilization below which a node counts as idle (Ray's `scheduler_spread_threshold`). Default 0.5. */
  readonly spreadThreshold?: number;
  /** Where the SPREAD round robin continues. Default 0. */
  readonly spreadCursor?: number;
  /** Looks up the group of a placement-group request; undefined: no such group. */
  readonly group?: (placementGroupId: string) => GroupView | undefined;
}

export const DEFAULT_SPREAD_THRESHOLD = 0.5;

export function decidePlacement(
  demand: ResourceSet,
  placement: Placement,
  nodes: readonly NodeView[],
  context: PolicyContext,
): PlacementDecision {
  switch (placement.kind) {
    case "default":
      return hybrid(demand, nodes, context);
    case "spread":
      return spread(demand, nodes, context);
    case "node-affinity":
      return nodeAffinity(demand, placement.nodeId, placement.soft, nodes, context);
    case "placement-group":
      return intoGroup(demand, placement.placementGroupId, placement.bundleIndex, context);
  }
}

function hybrid(demand: ResourceSet, nodes: readonly NodeView[], context: PolicyContext): PlacementDecision {
  const threshold = context.spreadThreshold ?? DEFAULT_SPREAD_THRESHOLD;
  const score = (view: NodeView) => {
    const u = criticalUtilization(view);
    return u < threshold ? 0 : u;
  };
  const feasible = nodes.filter((n) => isFeasibleOn(n, demand));
  if (feasible.length === 0) return infeasible(demand, nodes, "no node has enough resources in total");
  const available = feasible.filter((n) => isAvailableOn(n, demand));
  const pool = available.length > 0 ? available : feasible;
  const ranked = [...pool].sort((a, b) => score(a) - score(b) || compareIds(a.nodeId, b.nodeId));
  const best = ranked[0] as NodeView;
  const local = pool.find((n) => n.nodeId === context.localNodeId);
  const chosen = local !== undefined && score(local) <= score(best) ? local : best;
  return available.length > 0 ? { kind: "run", nodeId: chosen.nodeId } : { kind: "wait", nodeId: chosen.nodeId };
}

function spread(demand: ResourceSet, nodes: readonly NodeView[], context: PolicyContext): PlacementDecision {
  const round = nodes.filter((n) => n.alive !== false).sort((a, b) => compareIds(a.nodeId, b.nodeId));
  const start = context.spreadCursor ?? 0;
  for (let i = 0; i < round.length; i++) {
    const at = (start + i) % round.length;
    const node = round[at] as NodeView;
    if (isAvailableOn(node, demand)) {
      return { kind: "run", nodeId: node.nodeId, nextSpreadCursor: (at + 1) % round.length };
    }
  }
  return hybrid(demand, nodes, context);
}

function nodeAffinity(
  demand: ResourceSet,
  nodeId: string,
  soft: boolean,
  nodes: readonly NodeView[],
  context: PolicyContext,
): PlacementDecision {
  const target = nodes.find((n) => n.nodeId === nodeId);
  if (target !== undefined && isFeasibleOn(target, demand)) {
    return isAvailableOn(target, demand) ? { kind: "run", nodeId } : { kind: "wait", nodeId };
  }
  if (soft) return hybrid(demand, nodes, context);
  if (target === undefined || target.alive === false) {
    return { kind: "unschedulable", reason: `node ${nodeId} (hard affinity) is not in the cluster, or is dead` };
  }
  return infeasible(demand, [target], `node ${nodeId} (hard affinity) does not have enough resources in total`);
}

function intoGroup(
  demand: ResourceSet,
  groupId: string,
  bundleIndex: number,
  context: PolicyContext,
): PlacementDecision {
  const group = context.group?.(groupId);
  if (group === undefined) {
    return { kind: "infeasible", missing: demand, reason: `placement group ${groupId} does not exist (or was removed)` };
  }
  if (group.state === "pending") return { kind: "wait" };
  const candidates = bundleIndex === -1 ? group.bundles : group.bundles.filter((b) => b.bundleIndex === bundleIndex);
  if (candidates.length === 0) {
    return {
      kind: "infeasible",
      missing: demand,
      reason: `placement group ${groupId} has no bundle ${bundleIndex} (it has ${group.bundles.length})`,
    };
  }
  const ready = candidates.find((b) => isAvailableOn(b.view, demand));
  if (ready !== undefined) return { kind: "run", nodeId: ready.view.nodeId, bundleIndex: ready.bundleIndex };
  const fits = candidates.find((b) => isFeasibleOn(b.view, demand));
  if (fits !== undefined) return { kind: "wait", nodeId: fits.view.nodeId };
  const where = bundleIndex === -1 ? `any bundle of placement group ${groupId}` : `bundle ${bundleIndex} of placement group ${groupId}`;
  return infeasible(demand, candidates.map((b) => b.view), `the demand is larger than ${where}`);
}

/** An infeasible decision naming what the closest node (fewest missing resources) lacks. */
function infeasible(demand: ResourceSet, views: readonly NodeView[], reason: string): PlacementDecision {
  let missing = demand;
  let fewest = Number.POSITIVE_INFINITY;
  for (const view of views) {
    if (view.alive === false) continue;
    const lack = demand.missingIn(view.total);
    const count = [...lack.names()].length;
    if (count < fewest) {
      fewest = count;
      missing = lack;
    }
  }
  return { kind: "infeasible", missing, reason };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
