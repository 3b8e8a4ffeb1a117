import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "tsray/internal/scheduler";
import type * as SchedulerModule from "tsray/internal/scheduler";

const { decidePlacement, ResourceSet } = S;
type NodeView = SchedulerModule.NodeView;
const rs = (o: Record<string, number>) => ResourceSet.of(o);

/** A node with `cpus` CPUs of which `used` are taken. */
function node(nodeId: string, cpus: number, used = 0, extra: Partial<NodeView> = {}): NodeView {
  const total = rs({ CPU: cpus });
  return { nodeId, total, available: total.subtract(rs({ CPU: used })), ...extra };
}

const DEFAULT = { kind: "default" } as const;
const ctx = { localNodeId: "local" };

test("DEFAULT runs on the local node while it is below the spread threshold", () => {
  const d = decidePlacement(rs({ CPU: 1 }), DEFAULT, [node("a-remote", 8), node("local", 8, 3)], ctx);
  assert.equal(d, { kind: "run", nodeId: "local" });
});

test("DEFAULT spreads to the least loaded node once the local node passes the threshold", () => {
  const d = decidePlacement(rs({ CPU: 1 }), DEFAULT, [node("local", 8, 5), node("r1", 8, 6), node("r2", 8, 1)], ctx);
  assert.equal(d, { kind: "run", nodeId: "r2" });
});

test("DEFAULT keeps work local past the threshold when the local node is still the least loaded", () => {
  const d = decidePlacement(rs({ CPU: 1 }), DEFAULT, [node("local", 8, 5), node("r1", 8, 7)], ctx);
  assert.equal(d, { kind: "run", nodeId: "local" });
});

test("DEFAULT goes to a node that has room when the local node is full", () => {
  const d = decidePlacement(rs({ CPU: 2 }), DEFAULT, [node("local", 2, 2), node("r1", 4, 3), node("r2", 4, 1)], ctx);
  assert.equal(d, { kind: "run", nodeId: "r2" });
});

test("a feasible demand with no room anywhere waits, at the local node when it could run there", () => {
  const d = decidePlacement(rs({ CPU: 2 }), DEFAULT, [node("local", 2, 1), node("r1", 4, 3)], ctx);
  assert.equal(d, { kind: "wait", nodeId: "local" });
});

test("a demand no node could ever hold is infeasible and names what is missing", () => {
  const d = decidePlacement(rs({ CPU: 4, GPU: 1 }), DEFAULT, [node("local", 2)], ctx);
  assert.is(d.kind, "infeasible");
  if (d.kind === "infeasible") assert.equal(d.missing.toJSON(), { CPU: 2, GPU: 1 });
});

test("a demand too big for every single node is infeasible even if the cluster sum is enough", () => {
  const d = decidePlacement(rs({ CPU: 3 }), DEFAULT, [node("local", 2), node("r1", 2)], ctx);
  assert.is(d.kind, "infeasible");
});

test("dead nodes are never chosen", () => {
  const d = decidePlacement(rs({ CPU: 1 }), DEFAULT, [node("local", 1, 1), node("r1", 4, 0, { alive: false })], ctx);
  assert.equal(d, { kind: "wait", nodeId: "local" });
});

test("SPREAD takes nodes round robin from the cursor and returns the next cursor", () => {
  const nodes = [node("local", 4), node("n2", 4), node("n3", 4)];
  const first = decidePlacement(rs({ CPU: 1 }), { kind: "spread" }, nodes, { ...ctx, spreadCursor: 0 });
  assert.equal(first, { kind: "run", nodeId: "local", nextSpreadCursor: 1 });
  const second = decidePlacement(rs({ CPU: 1 }), { kind: "spread" }, nodes, { ...ctx, spreadCursor: 1 });
  assert.equal(second, { kind: "run", nodeId: "n2", nextSpreadCursor: 2 });
});

test("SPREAD skips nodes without room", () => {
  const nodes = [node("local", 4), node("n2", 1, 1), node("n3", 4)];
  const d = decidePlacement(rs({ CPU: 1 }), { kind: "spread" }, nodes, { ...ctx, spreadCursor: 1 });
  assert.equal(d, { kind: "run", nodeId: "n3", nextSpreadCursor: 0 });
});

test("hard node affinity runs or waits on that node only", () => {
  const nodes = [node("local", 4), node("n2", 2, 2)];
  const aff = { kind: "node-affinity", nodeId: "n2", soft: false } as const;
  assert.equal(decidePlacement(rs({ CPU: 1 }), aff, nodes, ctx), { kind: "wait", nodeId: "n2" });
  const free = [node("local", 4), node("n2", 2)];
  assert.equal(decidePlacement(rs({ CPU: 1 }), aff, free, ctx), { kind: "run", nodeId: "n2" });
});

test("hard affinity to an unknown or dead node is unschedulable; to one that is too small, infeasible", () => {
  const aff = (nodeId: string) => ({ kind: "node-affinity", nodeId, soft: false }) as const;
  const nodes = [node("local", 4), node("n2", 2)];
  assert.is(decidePlacement(rs({ CPU: 1 }), aff("gone"), nodes, ctx).kind, "unschedulable");
  const dead = [node("local", 4), { ...node("n2", 2), alive: false }];
  assert.is(decidePlacement(rs({ CPU: 1 }), aff("n2"), dead, ctx).kind, "unschedulable");
  const small = decidePlacement(rs({ CPU: 3 }), aff("n2"), nodes, ctx);
  assert.is(small.kind, "infeasible");
  if (small.kind === "infeasible") assert.equal(small.missing.toJSON(), { CPU: 1 });
});

test("soft affinity falls back to the default policy when the node cannot ever hold the demand", () => {
  const soft = { kind: "node-affinity", nodeId: "n2", soft: true } as const;
  const nodes = [node("local", 4), node("n2", 2)];
  assert.equal(decidePlacement(rs({ CPU: 3 }), soft, nodes, ctx), { kind: "run", nodeId: "local" });
  assert.equal(decidePlacement(rs({ CPU: 1 }), soft, [node("local", 4)], ctx), { kind: "run", nodeId: "local" });
});

test("GPU fragments do not count as a free whole GPU", () => {
  const total = rs({ CPU: 4, GPU: 2 });
  const view: NodeView = {
    nodeId: "local",
    total,
    available: total.subtract(rs({ GPU: 1 })),
    gpuCapacity: [10_000n, 10_000n],
    gpuAvailable: [5_000n, 5_000n],
  };
  assert.equal(decidePlacement(rs({ GPU: 1 }), DEFAULT, [view], ctx), { kind: "wait", nodeId: "local" });
  assert.equal(decidePlacement(rs({ GPU: 0.5 }), DEFAULT, [view], ctx), { kind: "run", nodeId: "local" });
});

const bundle = (bundleIndex: number, nodeId: string, cpus: number, used = 0) => ({
  bundleIndex,
  view: node(nodeId, cpus, used),
});

test("a placement-group request runs in the named bundle on the bundle's node", () => {
  const group = () => ({ state: "ready" as const, bundles: [bundle(0, "n1", 1), bundle(1, "n2", 2)] });
  const pg = { kind: "placement-group", placementGroupId: "pg", bundleIndex: 1 } as const;
  assert.equal(decidePlacement(rs({ CPU: 2 }), pg, [], { ...ctx, group }), { kind: "run", nodeId: "n2", bundleIndex: 1 });
});

test("a placement-group request for any bundle takes the first bundle with room", () => {
  const group = () => ({ state: "ready" as const, bundles: [bundle(0, "n1", 1, 1), bundle(1, "n2", 1)] });
  const pg = { kind: "placement-group", placementGroupId: "pg", bundleIndex: -1 } as const;
  assert.equal(decidePlacement(rs({ CPU: 1 }), pg, [], { ...ctx, group }), { kind: "run", nodeId: "n2", bundleIndex: 1 });
});

test("a placement-group request waits while the group is pending or its bundle is busy", () => {
  const pg = { kind: "placement-group", placementGroupId: "pg", bundleIndex: 0 } as const;
  assert.equal(decidePlacement(rs({ CPU: 1 }), pg, [], { ...ctx, group: () => ({ state: "pending" }) }), { kind: "wait" });
  const busy = () => ({ state: "ready" as const, bundles: [bundle(0, "n1", 1, 1)] });
  assert.equal(decidePlacement(rs({ CPU: 1 }), pg, [], { ...ctx, group: busy }), { kind: "wait", nodeId: "n1" });
});

test("a demand larger than its bundle, or naming a missing group, is infeasible", () => {
  const pg = { kind: "placement-group", placementGroupId: "pg", bundleIndex: 0 } as const;
  const group = () => ({ state: "ready" as const, bundles: [bundle(0, "n1", 1)] });
  const big = decidePlacement(rs({ CPU: 2 }), pg, [node("n1", 64)], { ...ctx, group });
  assert.is(big.kind, "infeasible");
  if (big.kind === "infeasible") assert.equal(big.missing.toJSON(), { CPU: 1 });
  assert.is(decidePlacement(rs({ CPU: 1 }), pg, [], { ...ctx, group: () => undefined }).kind, "infeasible");
});

test.run();
