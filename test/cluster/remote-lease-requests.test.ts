// The owner's end of the node protocol (node/remote-node-client.ts) over an in-memory connection,
// seen from the node's side of the wire: how many lease requests it puts there, and how a lease
// whose task ended is reused for the next task of its class instead of being returned.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ResourceSet } from "tsray/internal/scheduler";
import type * as ClientModule from "../../runtime/dist/node/remote-node-client.js";
import type * as MemoryModule from "../../runtime/dist/transport/in-memory-connection.js";
import type { FromNode, ToNode } from "../../runtime/dist/node/node-messages.js";
import type { LeasedWorker, LeaseOwner, RunTask, TaskLeaseSpec } from "../../runtime/dist/node/node-client.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { RemoteNodeClient } = (await dist("node/remote-node-client.js")) as typeof ClientModule;
const { connectInMemory } = (await dist("transport/in-memory-connection.js")) as typeof MemoryModule;

const t = suite("lease requests and lease reuse to a node in another process");

function spec(id: string, classKey = "cpu1"): TaskLeaseSpec {
  return { id, name: "f", demand: ResourceSet.of({ CPU: 1 }), placement: { kind: "default" }, classKey, isolation: "thread" };
}

/** A client "owner" side, the messages that reached the node, and the grants the owner was told of. */
function setup() {
  const [ownerEnd, nodeEnd] = connectInMemory<ToNode, FromNode>("the owner", "node n1");
  const onWire: ToNode[] = [];
  nodeEnd.onMessage = (m) => void onWire.push(m);
  const client = new RemoteNodeClient(
    "n1",
    ownerEnd,
    () => {
      throw new Error("not asked for in these tests");
    },
    {
      onItem: () => {
        throw new Error("no generators in these tests");
      },
    },
  );
  const granted = new Map<string, LeasedWorker>();
  const failed: string[] = [];
  const owner: LeaseOwner = {
    onGranted: (s, worker) => void granted.set(s.id, worker),
    onSpillback: () => {},
    onLeaseLost: () => {},
    onPlacementGroupRemoved: () => {},
    onArgumentsLost: () => {},
    onDone: () => {},
    onFailed: () => {},
    onLeaseRequestFailed: (s) => void failed.push(s.id),
  };
  client.attach(owner);
  const grant = async (leaseId: string) => {
    nodeEnd.send({ t: "granted", leaseId, resources: { CPU: 1 }, gpuIds: [], workerId: "w1" });
    await settle();
  };
  function kinds<K extends ToNode["t"]>(kind: K): Extract<ToNode, { t: K }>[] {
    return onWire.filter((m): m is Extract<ToNode, { t: K }> => m.t === kind);
  }
  return { client, onWire, granted, failed, grant, kinds };
}

/** Lets in-memory deliveries (a later microtask) happen. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function run(taskId: string): RunTask {
  return { t: "run", lane: 1, taskId, fn: 0, fnLocation: { id: "f", url: "file:///f.js" }, name: "f", args: new Uint8Array(1), deps: undefined, numReturns: 1, gpuIds: undefined, resources: undefined, claim: undefined };
}

t("at most 16 lease requests of one class are on the wire; each grant lets the next one go", async () => {
  const { client, kinds, grant } = setup();
  for (let i = 0; i < 40; i++) client.requestLease(spec(`t${i}`));
  await settle();
  assert.equal(kinds("lease").map((m) => m.spec.id), Array.from({ length: 16 }, (_, i) => `t${i}`));
  await grant("t0");
  assert.is(kinds("lease").length, 17);
  // Another class has a budget of its own.
  client.requestLease(spec("other", "cpu2"));
  await settle();
  assert.is(kinds("lease").length, 18);
});

t("a lease whose task ended runs the oldest waiting request of its class, which never crosses the wire, under its first id", async () => {
  const { client, kinds, grant, granted } = setup();
  for (let i = 0; i < 20; i++) client.requestLease(spec(`t${i}`));
  await grant("t0");
  const worker = granted.get("t0")!;
  client.runTask(worker, run("t0"));
  const next = client.takeQueuedLike("t0");
  assert.is(next?.id, "t17", "t16 was sent when t0's grant came; t17 is the oldest still waiting here");
  client.handOver("t0", next!);
  client.runTask(worker, run("t17"));
  client.returnLease("t17");
  await settle();
  assert.equal(kinds("run").map((m) => [m.leaseId, m.run.taskId]), [["t0", "t0"], ["t0", "t17"]]);
  assert.equal(kinds("return").map((m) => m.leaseId), ["t0"]);
  assert.is(kinds("cancelLease").length, 0);
  assert.is(kinds("lease").filter((m) => m.spec.id === "t17").length, 0);
});

t("with nothing waiting here, a reused lease takes a request already sent and cancels it on the node", async () => {
  const { client, kinds, grant } = setup();
  client.requestLease(spec("a"));
  client.requestLease(spec("b"));
  client.requestLease(spec("c", "cpu2"));
  await grant("a");
  assert.is(client.takeQueuedLike("a")?.id, "b");
  await settle();
  assert.equal(kinds("cancelLease").map((m) => m.leaseId), ["b"]);
  assert.is(client.takeQueuedLike("a"), undefined, "c is of another class");
});

t("cancelling a waiting request sends nothing; cancelling a sent one cancels it on the node and sends a waiting one", async () => {
  const { client, kinds } = setup();
  for (let i = 0; i < 18; i++) client.requestLease(spec(`t${i}`));
  assert.ok(client.cancelLeaseRequest("t17"));
  await settle();
  assert.is(kinds("cancelLease").length, 0);
  assert.ok(client.cancelLeaseRequest("t3"));
  await settle();
  assert.equal(kinds("cancelLease").map((m) => m.leaseId), ["t3"]);
  assert.equal(kinds("lease").map((m) => m.spec.id).slice(16), ["t16"], "t16 took t3's place; t17 was cancelled");
});

t("when the connection closes, requests sent and waiting alike fail, so the owner asks elsewhere", async () => {
  const { client, failed } = setup();
  for (let i = 0; i < 20; i++) client.requestLease(spec(`t${i}`));
  client.close("test");
  await settle();
  await settle();
  assert.is(failed.length, 20);
});

t.run();
