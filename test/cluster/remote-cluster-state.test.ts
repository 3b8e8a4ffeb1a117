// The cluster state served over ws (cluster/serve-cluster-state.ts) and its remote client
// (cluster/remote-cluster-state-client.ts), in this process on 127.0.0.1: calls, the cache, waits,
// pending calls on a lost connection, validation of calls, and liveness (a node leaves when its
// connection closes or goes silent).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import type * as ServeModule from "../../runtime/dist/cluster/serve-cluster-state.js";
import type * as ConnectModule from "../../runtime/dist/cluster/connect-cluster-state.js";
import type * as StateModule from "../../runtime/dist/cluster/cluster-state.js";
import type * as ErrorsModule from "../../runtime/dist/common/errors.js";
import type * as FrameCodecModule from "../../runtime/dist/transport/ws-frame-codec.js";
import type { NodeRecord } from "../../runtime/dist/cluster/cluster-state.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { serveClusterState } = (await dist("cluster/serve-cluster-state.js")) as typeof ServeModule;
const { connectClusterState } = (await dist("cluster/connect-cluster-state.js")) as typeof ConnectModule;
const { ClusterState } = (await dist("cluster/cluster-state.js")) as typeof StateModule;
const { ConnectionClosedError } = (await dist("common/errors.js")) as typeof ErrorsModule;
const { frameCodec } = (await dist("transport/ws-frame-codec.js")) as typeof FrameCodecModule;

const node = (nodeId: string, cpus = 2): NodeRecord => ({ nodeId, address: `ws://127.0.0.1:1/${nodeId}`, resources: { CPU: cpus }, alive: true });
const actor = (actorId: string) => ({ actorId, className: "Counter", methods: ["inc"] });

async function head(options: Partial<ServeModule.ClusterServiceOptions> = {}) {
  const state = new ClusterState();
  const log: string[] = [];
  const service = await serveClusterState(state, { host: "127.0.0.1", port: 0, token: "tok", log: (l) => log.push(l), ...options });
  return { state, service, log };
}

/** Resolves when `predicate` holds, checked at each change of `state` (never a fixed sleep). */
function until(state: InstanceType<typeof ClusterState>, predicate: () => boolean): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = state.subscribe(() => {
      if (!predicate()) return;
      off();
      resolve();
    });
  });
}

const t = suite("remote cluster state");

t("a node registered by one client is in the head's table and in another client's cache", async () => {
  const { state, service } = await head();
  const a = await connectClusterState(service.url, { kind: "node", token: "tok" });
  const b = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  await a.registerNode(node("n1"));
  assert.equal(state.node("n1"), node("n1"));
  assert.equal((await b.getAllNodeInfo()).map((n) => n.nodeId), ["n1"]);
  assert.equal(b.cache.allNodes().map((n) => n.nodeId), ["n1"], "the change reached b's cache before its reply");
  a.close(new Error("done"));
  b.close(new Error("done"));
  await service.close();
});

t("named actors are cluster-wide; the writer's cache shows its own write at once, a clash is an answer", async () => {
  const { service } = await head();
  const a = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  const b = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  const registered = a.registerActor({ actor: actor("a1"), name: "counter", namespace: "ns", getIfExists: false });
  assert.is(a.cache.namedActor("ns", "counter")?.actor.actorId, "a1", "own write shows at once");
  assert.equal(await registered, { kind: "registered" });
  assert.is((await b.getNamedActorInfo("counter", "ns"))?.actor.actorId, "a1");
  const clash = await b.registerActor({ actor: actor("b1"), name: "counter", namespace: "ns", getIfExists: false });
  assert.is(clash.kind, "clash");
  assert.is(b.cache.namedActor("ns", "counter")?.actor.actorId, "a1", "the refused actor left b's cache");
  assert.equal(await b.listNamedActors("ns"), [{ name: "counter", namespace: "ns" }]);
  await a.updateActorState("a1", { state: "DEAD" });
  assert.is(await b.getNamedActorInfo("counter", "ns"), undefined);
  a.close(new Error("done"));
  b.close(new Error("done"));
  await service.close();
});

t("waitPlacementGroupUntilReady resolves when another process reports the group created", async () => {
  const { service } = await head();
  const a = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  const b = await connectClusterState(service.url, { kind: "node", token: "tok" });
  const reply = await a.createPlacementGroup({ placementGroupId: "pg1", name: "g", strategy: "PACK", bundles: [{ CPU: 1 }] });
  assert.equal(reply, { kind: "created" });
  const ready = a.waitPlacementGroupUntilReady("pg1");
  await b.reportPlacementGroupCreated("pg1", ["n1"]);
  assert.is(await ready, "CREATED");
  assert.is(a.cache.placementGroup("pg1")?.state, "CREATED");
  assert.is(await a.waitPlacementGroupUntilReady("nope"), "UNKNOWN");
  a.close(new Error("done"));
  b.close(new Error("done"));
  await service.close();
});

t("pending calls and waits reject when the connection to the head closes", async () => {
  const { service } = await head();
  const a = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  await a.createPlacementGroup({ placementGroupId: "pg", name: undefined, strategy: "PACK", bundles: [{ CPU: 1 }] });
  const waiting = a.waitPlacementGroupUntilReady("pg");
  await service.close();
  const error = await waiting.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ConnectionClosedError, `got ${String(error)}`);
  const later = await a.getAllNodeInfo().then(() => undefined, (e: unknown) => e);
  assert.ok(later instanceof ConnectionClosedError);
});

t("the tsray command (a cli peer) may read but not write", async () => {
  const { service, state, log } = await head();
  const cli = await connectClusterState(service.url, { kind: "cli", token: "tok" });
  assert.equal((await cli.getClusterStatus()).nodes, []);
  const refused = await cli.registerNode(node("x")).then(() => undefined, (e: unknown) => e);
  assert.ok(refused instanceof ConnectionClosedError);
  assert.is(state.node("x"), undefined);
  assert.ok(log.some((l) => /may only read/.test(l)));
  await service.close();
});

t("an ill-typed call closes that connection only; the state is unchanged", async () => {
  const { service, state, log } = await head();
  const good = await connectClusterState(service.url, { kind: "node", token: "tok" });
  await good.registerNode(node("n1"));
  const codec = frameCodec();
  const raw = new WebSocket(service.url, { perMessageDeflate: false });
  raw.on("error", () => {});
  await new Promise((r) => raw.once("open", r));
  const welcomed = new Promise((r) => raw.once("message", r));
  raw.send(codec.encode({ tsray: "hello", version: 1, token: "tok", kind: "node" }, "test"));
  await welcomed;
  const closed = new Promise<number>((r) => raw.on("close", (code) => r(code)));
  raw.send(codec.encode({ t: "call", id: 1, method: "registerNode", args: [{ nodeId: 5 }] }, "test"));
  assert.is(await closed, 1002);
  assert.ok(log.some((l) => /registerNode argument 0\.nodeId/.test(l)), log.join("\n"));
  assert.equal(state.allNodes().map((n) => n.nodeId), ["n1"]);
  assert.equal(state.node("n1")?.alive, true);
  good.close(new Error("done"));
  await service.close();
});

t("a node is marked dead when its connection closes, and leaves the resource view", async () => {
  const { service, state } = await head({ heartbeatMs: 50 });
  const a = await connectClusterState(service.url, { kind: "node", token: "tok", heartbeatMs: 20, load: () => [{ nodeId: "n1", available: { CPU: 1 } }] });
  await a.registerNode(node("n1"));
  const b = await connectClusterState(service.url, { kind: "driver", token: "tok", heartbeatMs: 20 });
  while (service.server.status().nodes[0]?.available === undefined) await new Promise((r) => setTimeout(r, 10));
  assert.equal(service.server.status().nodes[0]!.available, { CPU: 1 });
  a.close(new Error("the node stops"));
  await until(state, () => state.node("n1")?.alive === false);
  assert.is(service.server.status().nodes[0]!.available, undefined);
  while (b.cache.allNodes()[0]?.alive !== false) await new Promise((r) => setTimeout(r, 10));
  b.close(new Error("done"));
  await service.close();
});

t("named actors that lived on a node that died are dead, and their names free", async () => {
  const { service, state } = await head();
  const a = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  await a.registerNode(node("n1"));
  await a.registerActor({ actor: actor("a1"), name: "kept", namespace: "ns", getIfExists: false });
  await a.updateActorState("a1", { state: "ALIVE", nodeId: "n1" });
  const b = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  assert.is((await b.getNamedActorInfo("kept", "ns"))?.state, "ALIVE");
  a.close(new Error("the driver stops without reporting its actors"));
  await until(state, () => state.actor("a1")?.state === "DEAD");
  assert.is(await b.getNamedActorInfo("kept", "ns"), undefined);
  assert.equal(await b.registerActor({ actor: actor("b1"), name: "kept", namespace: "ns", getIfExists: false }), { kind: "registered" });
  b.close(new Error("done"));
  await service.close();
});

t("unnamed actors that lived on a node that died are dead too", async () => {
  const { service, state } = await head();
  const a = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  await a.registerNode(node("n1"));
  await a.registerActor({ actor: actor("u1"), namespace: "ns", getIfExists: false });
  await a.updateActorState("u1", { state: "ALIVE", nodeId: "n1" });
  a.close(new Error("the driver stops without reporting its actors"));
  await until(state, () => state.node("n1")?.alive === false);
  assert.is(state.actor("u1")?.state, "DEAD");
  await service.close();
});

t("a client with the default heartbeat beats as often as the head asks, so a short bound does not cut it off", async () => {
  const { service, state } = await head({ heartbeatMs: 100, deadAfterMs: 500 });
  // Its own default is one beat a second: twice the head's bound.
  const client = await connectClusterState(service.url, { kind: "driver", token: "tok" });
  await client.registerNode(node("steady"));
  const end = Date.now() + 1_500;
  while (Date.now() < end) {
    assert.is(state.node("steady")?.alive, true, "still alive");
    await new Promise((r) => setTimeout(r, 50));
  }
  client.close(new Error("done"));
  await service.close();
});

t("a silent node is marked dead within the configured bound", async () => {
  const { service, state } = await head({ heartbeatMs: 50, deadAfterMs: 200 });
  // Its heartbeats would come every 10 s: far past the bound.
  const silent = await connectClusterState(service.url, { kind: "node", token: "tok", heartbeatMs: 10_000 });
  await silent.registerNode(node("quiet"));
  const from = Date.now();
  await until(state, () => state.node("quiet")?.alive === false);
  const took = Date.now() - from;
  console.log(`  silent node marked dead after ${took} ms (bound 200 ms + one 25 ms check)`);
  assert.ok(took >= 190 && took < 2_000, `took ${took} ms`);
  await service.close();
});

t.run();
