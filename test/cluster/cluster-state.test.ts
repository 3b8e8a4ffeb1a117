// The cluster state (Ray's GCS) on its own: node table, actor directory with names per namespace,
// placement-group records, and the in-process client's timing (answers never arrive synchronously).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as StateModule from "../../runtime/dist/cluster/cluster-state.js";
import type * as ClientModule from "../../runtime/dist/cluster/in-process-cluster-state-client.js";

const dist = new URL("../../../runtime/dist/cluster/", import.meta.url);
const { ClusterState, DEAD_ACTORS_KEPT }: typeof StateModule = await import(new URL("cluster-state.js", dist).href);
const { InProcessClusterStateClient }: typeof ClientModule = await import(new URL("in-process-cluster-state-client.js", dist).href);

const actor = (actorId: string) => ({ actorId, className: "Counter", methods: ["inc"] });
const named = (actorId: string, name: string, namespace = "ns", getIfExists = false) => ({ actor: actor(actorId), name, namespace, getIfExists });

test("a registered node is listed alive with its address and totals, and stays listed once dead", () => {
  const s = new ClusterState();
  s.registerNode({ nodeId: "n1", address: "in-process://n1", resources: { CPU: 2 }, alive: true });
  assert.equal(s.allNodes(), [{ nodeId: "n1", address: "in-process://n1", resources: { CPU: 2 }, alive: true }]);
  assert.ok(s.markNodeDead("n1"));
  assert.equal(s.node("n1")?.alive, false);
  assert.is(s.markNodeDead("nope"), false);
});

test("a named actor is found by its name in its own namespace only", () => {
  const s = new ClusterState();
  assert.equal(s.registerActor(named("a1", "counter", "ns1")), { kind: "registered" });
  assert.is(s.namedActor("ns1", "counter")?.actor.actorId, "a1");
  assert.is(s.namedActor("ns2", "counter"), undefined);
});

test("the same name in another namespace is a different actor", () => {
  const s = new ClusterState();
  s.registerActor(named("a1", "counter", "ns1"));
  assert.equal(s.registerActor(named("a2", "counter", "ns2")), { kind: "registered" });
  assert.equal(s.namedActors(undefined), [
    { name: "counter", namespace: "ns1" },
    { name: "counter", namespace: "ns2" },
  ]);
  assert.equal(s.namedActors("ns2"), [{ name: "counter", namespace: "ns2" }]);
});

test("a taken name clashes, and registers nothing", () => {
  const s = new ClusterState();
  s.registerActor(named("a1", "counter"));
  const reply = s.registerActor(named("a2", "counter"));
  assert.is(reply.kind, "clash");
  assert.is(reply.kind !== "registered" && reply.holder.actor.actorId, "a1");
  assert.is(s.actor("a2"), undefined);
});

test("getIfExists on a taken name answers with the holder", () => {
  const s = new ClusterState();
  s.registerActor(named("a1", "counter"));
  const reply = s.registerActor(named("a2", "counter", "ns", true));
  assert.is(reply.kind, "exists");
  assert.is(reply.kind !== "registered" && reply.holder.actor.actorId, "a1");
});

test("a dead actor's name is free again and the actor cannot come back to life", () => {
  const s = new ClusterState();
  s.registerActor(named("a1", "counter"));
  s.updateActor("a1", { state: "ALIVE", nodeId: "n1" });
  assert.equal(s.actor("a1"), { actor: actor("a1"), name: "counter", namespace: "ns", nodeId: "n1", state: "ALIVE" });
  s.updateActor("a1", { state: "DEAD" });
  assert.is(s.namedActor("ns", "counter"), undefined);
  assert.is(s.updateActor("a1", { state: "ALIVE" }), false);
  assert.is(s.actor("a1")?.state, "DEAD");
  assert.equal(s.registerActor(named("a2", "counter")), { kind: "registered" });
});

test("only a bounded number of dead actors is kept", () => {
  const s = new ClusterState();
  for (let i = 0; i <= DEAD_ACTORS_KEPT; i++) {
    s.registerActor({ actor: actor(`a${i}`), namespace: "ns", getIfExists: false });
    s.updateActor(`a${i}`, { state: "DEAD" });
  }
  assert.is(s.actor("a0"), undefined);
  assert.is(s.actor(`a${DEAD_ACTORS_KEPT}`)?.state, "DEAD");
});

test("a placement group is recorded PENDING, then CREATED with the node of each bundle", () => {
  const s = new ClusterState();
  const bundles = [{ CPU: 1 }, { CPU: 1 }];
  assert.equal(s.createPlacementGroup({ placementGroupId: "pg1", name: "g", strategy: "SPREAD", bundles }), { kind: "created" });
  assert.is(s.placementGroup("pg1")?.state, "PENDING");
  assert.equal(s.placementGroup("pg1")?.bundleNodes, []);
  assert.ok(s.markPlacementGroupCreated("pg1", ["n1", "n2"]));
  assert.equal(s.placementGroup("pg1"), {
    placementGroupId: "pg1",
    name: "g",
    strategy: "SPREAD",
    bundles,
    state: "CREATED",
    bundleNodes: ["n1", "n2"],
  });
});

test("a group name is taken until its group is removed", () => {
  const s = new ClusterState();
  s.createPlacementGroup({ placementGroupId: "pg1", name: "g", strategy: "PACK", bundles: [{ CPU: 1 }] });
  assert.is(s.createPlacementGroup({ placementGroupId: "pg2", name: "g", strategy: "PACK", bundles: [{ CPU: 1 }] }).kind, "name-taken");
  assert.ok(s.removePlacementGroup("pg1"));
  assert.is(s.createPlacementGroup({ placementGroupId: "pg2", name: "g", strategy: "PACK", bundles: [{ CPU: 1 }] }).kind, "created");
});

test("a removed group stays in the table as REMOVED and is never created afterwards", () => {
  const s = new ClusterState();
  s.createPlacementGroup({ placementGroupId: "pg1", name: undefined, strategy: "PACK", bundles: [{ CPU: 1 }] });
  s.removePlacementGroup("pg1");
  assert.is(s.markPlacementGroupCreated("pg1", ["n1"]), false);
  assert.equal(s.allPlacementGroups().map((g) => [g.placementGroupId, g.state]), [["pg1", "REMOVED"]]);
  assert.is(s.removePlacementGroup("pg1"), false);
});

test("records handed out do not change when the state changes", () => {
  const s = new ClusterState();
  s.createPlacementGroup({ placementGroupId: "pg1", name: undefined, strategy: "PACK", bundles: [{ CPU: 1 }] });
  const before = s.placementGroup("pg1");
  s.markPlacementGroupCreated("pg1", ["n1"]);
  assert.is(before?.state, "PENDING");
});

test("the in-process client answers after the caller's synchronous code, never during it", async () => {
  const client = new InProcessClusterStateClient(new ClusterState());
  const seen: string[] = [];
  const reply = client.registerActor(named("a1", "counter")).then((r) => seen.push(r.kind));
  seen.push("after the call");
  assert.is(client.cache.namedActor("ns", "counter")?.actor.actorId, "a1", "the call took effect when made");
  await reply;
  assert.equal(seen, ["after the call", "registered"]);
});

test("waiting for a group resolves when it is created, and with REMOVED when it is removed instead", async () => {
  const state = new ClusterState();
  const client = new InProcessClusterStateClient(state);
  await client.createPlacementGroup({ placementGroupId: "pg1", name: undefined, strategy: "PACK", bundles: [{ CPU: 1 }] });
  await client.createPlacementGroup({ placementGroupId: "pg2", name: undefined, strategy: "PACK", bundles: [{ CPU: 1 }] });
  const first = client.waitPlacementGroupUntilReady("pg1");
  const second = client.waitPlacementGroupUntilReady("pg2");
  await client.reportPlacementGroupCreated("pg1", ["n1"]);
  await client.removePlacementGroup("pg2");
  assert.equal(await Promise.all([first, second, client.waitPlacementGroupUntilReady("nope")]), ["CREATED", "REMOVED", "UNKNOWN"]);
});

test("closing the client rejects its pending waits with the reason given", async () => {
  const client = new InProcessClusterStateClient(new ClusterState());
  await client.createPlacementGroup({ placementGroupId: "pg1", name: undefined, strategy: "PACK", bundles: [{ CPU: 1 }] });
  const waiting = client.waitPlacementGroupUntilReady("pg1");
  client.close(new Error("shut down"));
  const error = await waiting.then(
    () => undefined,
    (e: Error) => e,
  );
  assert.is(error?.message, "shut down");
});

test("two clients of one state see each other's named actors and groups", async () => {
  const state = new ClusterState();
  const a = new InProcessClusterStateClient(state);
  const b = new InProcessClusterStateClient(state);
  await a.registerActor(named("a1", "counter"));
  assert.is((await b.getNamedActorInfo("counter", "ns"))?.actor.actorId, "a1");
  assert.is((await b.registerActor(named("b1", "counter"))).kind, "clash");
  await b.createPlacementGroup({ placementGroupId: "pg1", name: "g", strategy: "PACK", bundles: [{ CPU: 1 }] });
  const waiting = a.waitPlacementGroupUntilReady("pg1");
  await b.reportPlacementGroupCreated("pg1", ["n2"]);
  assert.is(await waiting, "CREATED");
});

test.run();
