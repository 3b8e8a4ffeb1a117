// The remote client's cache (cluster/remote-cluster-cache.ts): a notification older than this
// process's own write never moves a record back.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type * as CacheModule from "../../runtime/dist/cluster/remote-cluster-cache.js";
import type { PlacementGroupRecord, ActorRecord } from "../../runtime/dist/cluster/cluster-state.js";

const { RemoteClusterCache } = (await import(new URL("../../../runtime/dist/cluster/remote-cluster-cache.js", import.meta.url).href)) as typeof CacheModule;

const group = (state: PlacementGroupRecord["state"]): PlacementGroupRecord => ({
  placementGroupId: "pg",
  name: "g",
  strategy: "PACK",
  bundles: [{ CPU: 1 }],
  state,
  bundleNodes: state === "PENDING" ? [] : ["n1"],
});
const actor = (state: ActorRecord["state"]): ActorRecord => ({ actor: { actorId: "a", className: "C", methods: [] }, name: "x", namespace: "ns", nodeId: "n1", state });

const t = suite("remote cluster cache");

t("a group never moves back: a late PENDING after CREATED, or anything after REMOVED, is ignored", () => {
  const cache = new RemoteClusterCache();
  cache.group(group("CREATED"));
  cache.group(group("PENDING"));
  assert.is(cache.placementGroup("pg")?.state, "CREATED");
  cache.group(group("REMOVED"));
  cache.group(group("CREATED"));
  assert.is(cache.placementGroup("pg")?.state, "REMOVED");
  assert.is(cache.placementGroupNamed("g"), undefined, "a removed group holds no name");
});

t("a dead actor stays dead and its name is free; a live one holds its name", () => {
  const cache = new RemoteClusterCache();
  cache.actor(actor("ALIVE"));
  assert.is(cache.namedActor("ns", "x")?.state, "ALIVE");
  cache.actor(actor("DEAD"));
  cache.actor(actor("ALIVE"));
  assert.is(cache.namedActor("ns", "x"), undefined);
  assert.is(cache.actorById("a")?.state, "DEAD");
});

t("resources: totals of alive nodes; available is this node's own plus the others' last reports", () => {
  const cache = new RemoteClusterCache();
  cache.node({ nodeId: "me", address: "in-process://me", resources: { CPU: 2 }, alive: true });
  cache.node({ nodeId: "n2", address: "ws://h:1", resources: { CPU: 4, GPU: 1 }, alive: true });
  cache.node({ nodeId: "n3", address: "ws://h:2", resources: { CPU: 8 }, alive: false });
  cache.resourceView([{ nodeId: "me", available: { CPU: 0 } }, { nodeId: "n2", available: { CPU: 3, GPU: 0 } }]);
  assert.equal(cache.totalResources(), { CPU: 6, GPU: 1 });
  assert.equal(cache.availableResources("me", { CPU: 1 }), { CPU: 4 });
});

t.run();
