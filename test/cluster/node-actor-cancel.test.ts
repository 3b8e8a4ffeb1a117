// The node end of `cancelActorCall` (node/node-actor-service.ts): `ray.cancel` by a caller that does
// not own the actor reaches the actor's worker as `cancel`, from that call's own caller only, also
// for a call that arrived before the actor's constructor was posted (posted right behind the call,
// so the worker drops it unstarted). A node service over a stand-in for its local node client: the
// messages its actor's worker is posted are what is checked.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as ServiceModule from "../../runtime/dist/node/node-actor-service.js";
import { load } from "./in-process-runtime.js";

const { NodeActorService } = await load<typeof ServiceModule>("node/node-actor-service.js");
type Service = InstanceType<typeof NodeActorService>;
type Peer = Parameters<Service["received"]>[0];
type ToService = Parameters<Service["received"]>[1];
type Caller = Parameters<Service["call"]>[0];

/** A node service with one owner's actor `a1` leased and its worker started (its constructor not yet posted). */
function nodeWithActor() {
  const posted: Array<{ t: string; taskId?: string }> = [];
  const worker = { actorId: "a1", exited: false, workerId: "w", post: (m: { t: string }) => void posted.push(m), terminate: () => Promise.resolve(0) };
  let spec: unknown;
  const node = {
    nodeId: "node-1",
    attachGuestActors: () => undefined,
    requestActorLease: (s: unknown) => void (spec = s),
    startActorWorker: () => worker,
  };
  const service = new NodeActorService({ node, keepLarge: () => [], keepValue: () => new Uint8Array(), reportDead: () => undefined } as unknown as ConstructorParameters<typeof NodeActorService>[0]);
  const owner: Peer = { send: () => undefined };
  const tell = (from: Peer, m: unknown) => service.received(from, m as ToService);
  tell(owner, { t: "actorLease", spec: { id: "a1", name: "Waiter", demand: {}, placementDemand: {}, placement: { kind: "default" }, detached: false } });
  service.onActorGranted(spec as never, { resources: { toJSON: () => ({}) }, gpuIds: [] } as never, node as never);
  tell(owner, { t: "startActorWorker", key: "k", actorId: "a1", gpuIds: [], isolation: "thread" });
  const construct = () => tell(owner, { t: "actorPost", key: "k", message: { t: "createActor", actorId: "a1", cls: { id: "W", url: "file:///w.js" }, name: "Waiter", args: new Uint8Array(), deps: undefined, maxConcurrency: 1 } });
  const answer = (taskId: string) => service.workerMessage(worker as never, { t: "done", taskId, results: [new Uint8Array([1])] } as never);
  return { service, posted, tell, construct, answer };
}

const call = (taskId: string) => ({ t: "actorCall", call: { t: "callActor", actorId: "a1", taskId, method: "wait", name: "Waiter.wait", args: new Uint8Array(), deps: undefined, numReturns: 1 } });
const cancel = (taskId: string) => ({ t: "cancelActorCall", actorId: "a1", taskId, name: "Waiter.wait" });
const kinds = (posted: Array<{ t: string; taskId?: string }>) => posted.map((m) => (m.taskId === undefined ? m.t : `${m.t} ${m.taskId}`));
const caller = (): Caller & Peer => ({ send: () => undefined });

test("a caller's cancel of its call posted to the actor's worker reaches the worker as cancel", () => {
  const { posted, tell, construct } = nodeWithActor();
  construct();
  const c = caller();
  tell(c, call("t1"));
  tell(c, cancel("t1"));
  assert.equal(kinds(posted), ["createActor", "callActor t1", "cancel t1"]);
});

test("another caller's cancel of a call it did not send is ignored", () => {
  const { posted, tell, construct } = nodeWithActor();
  construct();
  tell(caller(), call("t1"));
  tell(caller(), cancel("t1"));
  assert.equal(kinds(posted), ["createActor", "callActor t1"]);
});

test("a cancel of a call already answered is ignored", () => {
  const { posted, tell, construct, answer } = nodeWithActor();
  construct();
  const c = caller();
  tell(c, call("t1"));
  assert.ok(answer("t1"));
  tell(c, cancel("t1"));
  assert.equal(kinds(posted), ["createActor", "callActor t1"]);
});

test("a call cancelled while it waited for the actor's constructor is posted with its cancel right behind it", () => {
  const { posted, tell, construct } = nodeWithActor();
  const c = caller();
  tell(c, call("t1"));
  tell(c, call("t2"));
  tell(c, cancel("t1"));
  assert.equal(kinds(posted), [], "nothing reaches the worker before the constructor");
  construct();
  assert.equal(kinds(posted), ["createActor", "callActor t1", "cancel t1", "callActor t2"]);
});

test.run();
