// The node protocol's generator messages (node/generator-wire.ts) are checked at the boundary like
// the rest of it (node/node-message-checks.ts): what a peer sends malformed is named, not trusted.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as ChecksModule from "../../runtime/dist/node/node-message-checks.js";
import { load } from "./in-process-runtime.js";

const { checkFromNode, checkToNodeEndpoint } = await load<typeof ChecksModule>("node/node-message-checks.js");

const run = { taskId: "t1", fnLocation: { id: "f", url: "file:///f.js" }, name: "f", args: new Uint8Array(1), deps: undefined, numReturns: 1 };

test("a genItem with inline bytes or a location is a well-formed message from a node", () => {
  assert.is(checkFromNode({ t: "genItem", leaseId: "l", taskId: "t1", index: 0, value: new Uint8Array(3) }), undefined);
  assert.is(checkFromNode({ t: "genItem", leaseId: "l", taskId: "t1", index: 4, value: { objectId: "o", heldOn: "n", size: 10 } }), undefined);
});

test("a genItem with a negative index or a value that is neither bytes nor a location is refused", () => {
  assert.match(checkFromNode({ t: "genItem", leaseId: "l", taskId: "t1", index: -1, value: new Uint8Array(3) }) ?? "", /index/);
  assert.match(checkFromNode({ t: "genItem", leaseId: "l", taskId: "t1", index: 0, value: "bytes" }) ?? "", /value/);
});

test("a genAck must name its lease and task and carry a count", () => {
  assert.is(checkToNodeEndpoint({ t: "genAck", leaseId: "l", taskId: "t1", consumed: 3 }), undefined);
  assert.match(checkToNodeEndpoint({ t: "genAck", leaseId: "l", taskId: "t1", consumed: 1.5 }) ?? "", /consumed/);
});

test("a streaming run's backpressure bound is an integer of at least 1, or -1", () => {
  assert.is(checkToNodeEndpoint({ t: "run", leaseId: "l", run }), undefined, "no streaming: a normal task");
  assert.is(checkToNodeEndpoint({ t: "run", leaseId: "l", run: { ...run, streaming: { backpressure: -1 } } }), undefined);
  assert.is(checkToNodeEndpoint({ t: "run", leaseId: "l", run: { ...run, streaming: { backpressure: 4 } } }), undefined);
  assert.match(checkToNodeEndpoint({ t: "run", leaseId: "l", run: { ...run, streaming: { backpressure: 0 } } }) ?? "", /backpressure/);
});

test.run();
