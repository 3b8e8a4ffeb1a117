// The two-phase reservation of a placement group's bundles across two nodes
// (owner/cluster-placement-groups.ts over real schedulers and node clients, no workers): when
// one node cannot prepare its bundle because a lease took its resources after the plan was
// made (as another owner's task can over a network), every bundle prepared elsewhere is rolled
// back, nothing stays held anywhere, and the group is reserved at the next release.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as SchedulerModule from "../../runtime/dist/scheduler/local-scheduler.js";
import type * as NodeClientModule from "../../runtime/dist/node/local-node-client.js";
import type * as GroupsModule from "../../runtime/dist/owner/cluster-placement-groups.js";
import type * as ResourceSetModule from "../../runtime/dist/scheduler/resource-set.js";
import type { NodeClient, PrepareBundlesRequest } from "../../runtime/dist/node/node-client.js";
import { ClusterState, InProcessClusterStateClient, load } from "./in-process-runtime.js";
import { until } from "../runtime/helpers.js";

const { LocalScheduler } = await load<typeof SchedulerModule>("scheduler/local-scheduler.js");
const { LocalNodeClient } = await load<typeof NodeClientModule>("node/local-node-client.js");
const { ClusterPlacementGroups } = await load<typeof GroupsModule>("owner/cluster-placement-groups.js");
const { ResourceSet } = await load<typeof ResourceSetModule>("scheduler/resource-set.js");

const cpus = (n: number) => ResourceSet.of({ CPU: n });
/** Every pending promise callback has run (the in-process node clients answer in microtasks). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `releaseInFlight`: the other lease on B ends while the reservation it spoiled is still in flight. */
function cluster(releaseInFlight = false) {
  const state = new ClusterState();
  const client = new InProcessClusterStateClient(state);
  const problems: string[] = [];
  const makeNode = (nodeId: string) => {
    const scheduler: SchedulerModule.LocalScheduler<unknown> = new LocalScheduler<unknown>({
      nodeId,
      totals: cpus(2),
      events: { onDispatch: () => undefined, onResourcesFreed: () => groups.resourcesFreed() },
    });
    const node = new LocalNodeClient({ scheduler, pool: () => {
      throw new Error("no workers in this test");
    } });
    return { scheduler, node };
  };
  const a = makeNode("node-a");
  const b = makeNode("node-b");
  // B's answer to the first prepare comes after a lease there took both its CPUs.
  let raced = false;
  const racingB: NodeClient = Object.create(b.node, {
    prepareBundles: {
      value: (request: PrepareBundlesRequest) => {
        const first = !raced;
        raced = true;
        if (!first) return b.node.prepareBundles(request);
        b.scheduler.submit({ id: "other-owners-task", name: "other", demand: cpus(2), placement: { kind: "default" } });
        const answer = b.node.prepareBundles(request);
        if (!releaseInFlight) return answer;
        return answer.then((ok) => {
          b.scheduler.release("other-owners-task");
          return ok;
        });
      },
    },
  });
  const groups: GroupsModule.ClusterPlacementGroups = new ClusterPlacementGroups({
    local: a.node,
    nodes: () => [a.node, racingB],
    cluster: client,
    onInfeasible: (id, reason) => problems.push(`${id} infeasible: ${reason}`),
    onError: (error) => problems.push(String(error)),
  });
  const create = (id: string) => {
    state.createPlacementGroup({ placementGroupId: id, name: undefined, strategy: "STRICT_SPREAD", bundles: [{ CPU: 1 }, { CPU: 1 }] });
    groups.create(id, [cpus(1), cpus(1)], "STRICT_SPREAD");
  };
  return { state, client, a, b, groups, create, problems };
}

test("a prepare that fails on one node rolls back the bundle prepared on the other: nothing is held anywhere", async () => {
  const c = cluster();
  c.create("pg");
  await settled();
  assert.equal(c.a.scheduler.available().toJSON(), { CPU: 2 }, "node A's prepared bundle was rolled back");
  assert.equal(c.a.scheduler.bundles(), [], "node A holds no bundle");
  assert.equal(c.b.scheduler.bundles(), [], "node B holds no bundle");
  assert.equal(c.b.scheduler.available().toJSON(), {}, "node B's CPUs are the other lease's, not the group's");
  assert.is(c.state.placementGroup("pg")?.state, "PENDING");
  assert.is(c.a.scheduler.placementGroupState("pg"), "pending", "requests into the group wait on the owner's node");
  assert.equal(c.problems, []);
});

test("a group rolled back is reserved on both nodes once the resources it lost are released", async () => {
  const c = cluster();
  c.create("pg");
  await settled();
  c.b.scheduler.release("other-owners-task");
  assert.is(await c.client.waitPlacementGroupUntilReady("pg"), "CREATED");
  assert.equal(c.state.placementGroup("pg")?.bundleNodes, ["node-a", "node-b"]);
  assert.equal([c.a.scheduler.available().toJSON(), c.b.scheduler.available().toJSON()], [{ CPU: 1 }, { CPU: 1 }]);
  assert.equal([c.a.scheduler.placementGroupState("pg"), c.b.scheduler.placementGroupState("pg")], ["ready", "ready"]);
  c.groups.remove("pg");
  await settled();
  assert.equal([c.a.scheduler.available().toJSON(), c.b.scheduler.available().toJSON()], [{ CPU: 2 }, { CPU: 2 }], "removal frees both nodes");
  assert.equal(c.problems, []);
});

test("a release that comes while a reservation is in flight is not lost: the group is reserved after its rollback", async () => {
  const c = cluster(true);
  c.create("pg");
  await until(() => c.state.placementGroup("pg")?.state === "CREATED", "the group is reserved");
  assert.equal(c.state.placementGroup("pg")?.bundleNodes, ["node-a", "node-b"]);
  assert.equal([c.a.scheduler.available().toJSON(), c.b.scheduler.available().toJSON()], [{ CPU: 1 }, { CPU: 1 }]);
  assert.equal(c.problems, []);
});

test.run();
