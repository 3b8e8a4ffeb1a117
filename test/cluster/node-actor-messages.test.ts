// The actor and bundle messages of the node protocol (issue 11) at their boundary
// (node/node-message-checks.ts): a node takes only well-typed ones from an owner, and an owner only
// well-typed answers from a node; anything else is named as a problem (the connection is then
// closed with 1002 by the ws layer, as for every node-protocol message).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as ChecksModule from "../../runtime/dist/node/node-message-checks.js";
import { load } from "./in-process-runtime.js";

const { checkToNodeEndpoint, checkFromNode } = await load<typeof ChecksModule>("node/node-message-checks.js");

const call = {
  t: "callActor",
  actorId: "a1",
  taskId: "t1",
  method: "increment",
  name: "Keeper.increment",
  args: new Uint8Array([1, 2]),
  deps: undefined,
  numReturns: 1,
};

test("a well-formed actor call, lease and constructor post pass the node's check", () => {
  assert.is(checkToNodeEndpoint({ t: "actorCall", call }), undefined);
  const spec = { id: "a1", name: "Keeper", demand: { special: 1 }, placementDemand: { special: 1 }, placement: { kind: "default" }, detached: true };
  assert.is(checkToNodeEndpoint({ t: "actorLease", spec }), undefined);
  const create = { t: "createActor", actorId: "a1", cls: { id: "Keeper", url: "file:///x.js" }, name: "Keeper", args: new Uint8Array(), deps: undefined, maxConcurrency: 1 };
  assert.is(checkToNodeEndpoint({ t: "actorPost", key: "w1", message: create }), undefined);
  assert.is(checkToNodeEndpoint({ t: "prepareBundles", reqId: 1, placementGroupId: "pg", bundleCount: 1, bundles: [{ bundleIndex: 0, resources: { CPU: 1 } }] }), undefined);
});

test("an ill-typed actor call is refused, naming the field", () => {
  assert.match(checkToNodeEndpoint({ t: "actorCall", call: { ...call, numReturns: -1 } }) ?? "", /numReturns/);
  assert.match(checkToNodeEndpoint({ t: "actorCall", call: { ...call, args: "bytes?" } }) ?? "", /args/);
  assert.match(checkToNodeEndpoint({ t: "actorCall", call: { ...call, streaming: { backpressure: 0 } } }) ?? "", /streaming/);
});

test("a streaming actor call with a bound is accepted, and its acks must name the call and a count", () => {
  assert.is(checkToNodeEndpoint({ t: "actorCall", call: { ...call, streaming: { backpressure: -1 } } }), undefined);
  assert.is(checkToNodeEndpoint({ t: "actorGenAck", actorId: "a", taskId: "t", consumed: 2 }), undefined);
  assert.match(checkToNodeEndpoint({ t: "actorGenAck", actorId: "a", taskId: "t", consumed: -1 }) ?? "", /consumed/);
});

test("an actor post carrying anything but a constructor, a drop or a cancel is refused", () => {
  const run = { t: "run", lane: 0, taskId: "t", fn: 0, fnLocation: undefined, name: "f", args: new Uint8Array(), deps: undefined, numReturns: 1 };
  assert.match(checkToNodeEndpoint({ t: "actorPost", key: "w1", message: run }) ?? "", /not a message for an actor's worker/);
  assert.match(checkToNodeEndpoint({ t: "actorLease", spec: { id: "a", name: "A", demand: { CPU: -1 }, placementDemand: {}, placement: { kind: "default" }, detached: false } }) ?? "", /demand/);
  assert.match(checkToNodeEndpoint({ t: "killActor", actorId: "a1" }) ?? "", /noRestart/);
});

test("a caller's cancel of its actor call must name the actor, the call and its name", () => {
  assert.is(checkToNodeEndpoint({ t: "cancelActorCall", actorId: "a1", taskId: "t1", name: "Keeper.increment" }), undefined);
  assert.match(checkToNodeEndpoint({ t: "cancelActorCall", actorId: "a1", name: "Keeper.increment" }) ?? "", /taskId/);
  assert.match(checkToNodeEndpoint({ t: "cancelActorCall", actorId: 7, taskId: "t1", name: "Keeper.increment" }) ?? "", /actorId/);
});

test("an owner refuses an ill-typed answer from a node", () => {
  assert.is(checkFromNode({ t: "actorCallDone", actorId: "a", taskId: "t", results: [new Uint8Array([1])] }), undefined);
  assert.match(checkFromNode({ t: "actorCallDone", actorId: "a", taskId: "t", results: [42] }) ?? "", /results/);
  assert.match(checkFromNode({ t: "bundlesDone", reqId: 1 }) ?? "", /ok/);
  assert.is(checkFromNode({ t: "actorGenItem", actorId: "a", taskId: "t", index: 0, value: new Uint8Array([1]) }), undefined);
  assert.match(checkFromNode({ t: "actorGenItem", actorId: "a", taskId: "t", index: 0, value: 42 }) ?? "", /value/);
  assert.match(checkFromNode({ t: "actorGranted", actorId: "a", resources: { special: 1 }, gpuIds: [-1] }) ?? "", /gpuIds/);
});

test.run();
