/**
 * Which node hosts each bundle of a placement group: a pure function of the
 * bundles, the strategy and one `NodeView` per node (the same views
 * `placement-policy.ts` uses), so the cluster's head can run it unchanged.
 *
 * Strategies, as in Ray:
 * - STRICT_PACK: every bundle on one node, or not at all;
 * - PACK: as few nodes as possible (one if it can), best effort;
 * - STRICT_SPREAD: every bundle on a different node, or not at all — so with
 *   more bundles than nodes (e.g. two bundles on a one-node cluster) it is
 *   infeasible;
 * - SPREAD: different nodes where possible, best effort.
 *
 * The plan is found by a depth-first search whose candidate order encodes the
 * strategy's preference (PACK tries nodes already used first, SPREAD unused
 * ones first; the local node leads, then node ids), so the first complete
 * assignment is the greedy one when greedy works, and a cleverer one when it
 * does not. The search is capped (`MAX_STEPS`); past the cap a group is
 * reported as waiting rather than wrongly infeasible.
 *
 * Result: `place` (fits in what is free now), `wait` (would fit an idle
 * cluster: retry when resources are released) or `infeasible` (never fits).
 */
import { UNITS_PER_WHOLE, type Units } from "./fixed-point.js";
import { planGpuShares } from "./gpu-allocator.js";
import type { NodeView } from "./node-view.js";
import { GPU, type ResourceSet } from "./resource-set.js";

export type PlacementGroupStrategy = "PACK" | "SPREAD" | "STRICT_PACK" | "STRICT_SPREAD";

export type BundlePlan =
  | { readonly kind: "place"; /** `nodeIds[i]` hosts bundle i. */ readonly nodeIds: readonly string[] }
  | { readonly kind: "wait" }
  | { readonly kind: "infeasible"; readonly reason: string };

const MAX_STEPS = 20_000;

export function planBundles(
  bundles: readonly ResourceSet[],
  strategy: PlacementGroupStrategy,
  nodes: readonly NodeView[],
  localNodeId?: string,
): BundlePlan {
  const alive = nodes
    .filter((n) => n.alive !== false)
    .sort((a, b) => rank(a, localNodeId) - rank(b, localNodeId) || (a.nodeId < b.nodeId ? -1 : 1));
  if (strategy === "STRICT_SPREAD" && bundles.length > alive.length) {
    return {
      kind: "infeasible",
      reason: `STRICT_SPREAD needs ${bundles.length} nodes, one per bundle, and the cluster has ${alive.length}`,
    };
  }
  const now = search(bundles, strategy, alive.map((n) => freeNow(n)));
  if (now !== undefined && now !== "gave-up") return { kind: "place", nodeIds: now.map((i) => (alive[i] as NodeView).nodeId) };
  const idle = search(bundles, strategy, alive.map((n) => freeWhenIdle(n)));
  if (idle === undefined) {
    return { kind: "infeasible", reason: `no way to place the bundles with ${strategy} on the cluster's total resources` };
  }
  return { kind: "wait" };
}

interface Room {
  readonly free: ResourceSet;
  readonly gpus: readonly Units[] | undefined;
}

function freeNow(view: NodeView): Room {
  return { free: view.available, gpus: view.gpuAvailable };
}

function freeWhenIdle(view: NodeView): Room {
  const whole = Number(view.total.get(GPU) / UNITS_PER_WHOLE);
  return { free: view.total, gpus: view.gpuCapacity ?? Array.from({ length: whole }, () => UNITS_PER_WHOLE) };
}

/** Node index per bundle, undefined when no assignment exists, "gave-up" past the step cap. */
function search(
  bundles: readonly ResourceSet[],
  strategy: PlacementGroupStrategy,
  rooms: Room[],
): number[] | undefined | "gave-up" {
  const chosen: number[] = [];
  const count = rooms.map(() => 0);
  let steps = 0;
  const visit = (b: number): boolean | "gave-up" => {
    if (b === bundles.length) return true;
    const bundle = bundles[b] as ResourceSet;
    for (const n of candidates(strategy, count)) {
      if (++steps > MAX_STEPS) return "gave-up";
      const room = rooms[n] as Room;
      const after = take(room, bundle);
      if (after === undefined) continue;
      rooms[n] = after;
      count[n] = (count[n] as number) + 1;
      chosen.push(n);
      const result = visit(b + 1);
      if (result !== false) return result;
      chosen.pop();
      count[n] = (count[n] as number) - 1;
      rooms[n] = room;
    }
    return false;
  };
  const result = visit(0);
  if (result === "gave-up") return "gave-up";
  return result ? chosen : undefined;
}

/** Node indexes to try for the next bundle, best first, given bundles placed so far per node. */
function candidates(strategy: PlacementGroupStrategy, count: readonly number[]): number[] {
  const all = count.map((_, i) => i);
  const used = all.filter((i) => (count[i] as number) > 0);
  const unused = all.filter((i) => count[i] === 0);
  switch (strategy) {
    case "STRICT_PACK":
      return used.length > 0 ? used : all;
    case "PACK":
      return [...used.sort((a, b) => (count[b] as number) - (count[a] as number) || a - b), ...unused];
    case "STRICT_SPREAD":
      return unused;
    case "SPREAD":
      return [...unused, ...used.sort((a, b) => (count[a] as number) - (count[b] as number) || a - b)];
  }
}

/** The room left after placing `bundle`, or undefined if it does not fit. */
function take(room: Room, bundle: ResourceSet): Room | undefined {
  if (!room.free.fits(bundle)) return undefined;
  let gpus = room.gpus;
  const gpuDemand = bundle.get(GPU);
  if (gpuDemand > 0n && gpus !== undefined) {
    const plan = planGpuShares(gpus, gpuDemand);
    if (plan === undefined) return undefined;
    const next = [...gpus];
    for (const { index, units } of plan) next[index] = (next[index] as Units) - units;
    gpus = next;
  }
  return { free: room.free.subtract(bundle), gpus };
}

function rank(view: NodeView, localNodeId: string | undefined): number {
  return view.nodeId === localNodeId ? 0 : 1;
}
