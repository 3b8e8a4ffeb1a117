import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "tsray/internal/scheduler";
import type * as SchedulerModule from "tsray/internal/scheduler";

const { planBundles, ResourceSet } = S;
type NodeView = SchedulerModule.NodeView;
const rs = (o: Record<string, number>) => ResourceSet.of(o);

function node(nodeId: string, cpus: number, used = 0): NodeView {
  const total = rs({ CPU: cpus });
  return { nodeId, total, available: total.subtract(rs({ CPU: used })) };
}
const cpu = (n: number) => rs({ CPU: n });

test("STRICT_SPREAD of two bundles on one node is infeasible", () => {
  const plan = planBundles([cpu(1), cpu(1)], "STRICT_SPREAD", [node("local", 8)], "local");
  assert.is(plan.kind, "infeasible");
  if (plan.kind === "infeasible") assert.match(plan.reason, /needs 2 nodes/);
});

test("STRICT_SPREAD puts each bundle on a different node", () => {
  const plan = planBundles([cpu(1), cpu(1), cpu(1)], "STRICT_SPREAD", [node("a", 2), node("b", 2), node("c", 2)]);
  assert.equal(plan, { kind: "place", nodeIds: ["a", "b", "c"] });
});

test("STRICT_SPREAD of one bundle on one node is placed", () => {
  assert.equal(planBundles([cpu(1)], "STRICT_SPREAD", [node("local", 1)], "local"), { kind: "place", nodeIds: ["local"] });
});

test("STRICT_PACK puts every bundle on one node, preferring the local one", () => {
  const plan = planBundles([cpu(1), cpu(2)], "STRICT_PACK", [node("a", 4), node("local", 4)], "local");
  assert.equal(plan, { kind: "place", nodeIds: ["local", "local"] });
});

test("STRICT_PACK larger than any single node is infeasible even when the cluster sum suffices", () => {
  assert.is(planBundles([cpu(2), cpu(2)], "STRICT_PACK", [node("a", 3), node("b", 3)]).kind, "infeasible");
});

test("PACK uses one node when it can and more when it must", () => {
  assert.equal(planBundles([cpu(1), cpu(1)], "PACK", [node("a", 4), node("b", 4)]), { kind: "place", nodeIds: ["a", "a"] });
  assert.equal(planBundles([cpu(3), cpu(3)], "PACK", [node("a", 4), node("b", 4)]), { kind: "place", nodeIds: ["a", "b"] });
});

test("SPREAD prefers distinct nodes but shares one when it has to", () => {
  assert.equal(planBundles([cpu(1), cpu(1)], "SPREAD", [node("a", 4), node("b", 4)]), { kind: "place", nodeIds: ["a", "b"] });
  assert.equal(planBundles([cpu(1), cpu(1)], "SPREAD", [node("local", 4)], "local"), { kind: "place", nodeIds: ["local", "local"] });
});

test("a group that fits the totals but not what is free now waits", () => {
  assert.equal(planBundles([cpu(2)], "PACK", [node("local", 2, 1)], "local"), { kind: "wait" });
});

test("the search finds a placement where first-fit would not", () => {
  // First-fit puts the 2-CPU bundle on "a" and leaves no 3-CPU room; the search backtracks.
  const plan = planBundles([cpu(2), cpu(3)], "SPREAD", [node("a", 3), node("b", 2)]);
  assert.equal(plan, { kind: "place", nodeIds: ["b", "a"] });
});

test("GPU bundles need devices, not just a GPU sum", () => {
  const total = rs({ GPU: 2 });
  const fragmented: NodeView = {
    nodeId: "local",
    total,
    available: rs({ GPU: 1 }),
    gpuCapacity: [10_000n, 10_000n],
    gpuAvailable: [5_000n, 5_000n],
  };
  assert.equal(planBundles([rs({ GPU: 1 })], "PACK", [fragmented], "local"), { kind: "wait" });
  assert.equal(planBundles([rs({ GPU: 0.5 }), rs({ GPU: 0.5 })], "PACK", [fragmented], "local"), {
    kind: "place",
    nodeIds: ["local", "local"],
  });
});

test.run();
