// Three in-process nodes: the owner records every copy a node pulls (Ray's object directory), so
// when the node that made an object is gone, a node that needs it pulls it from a copy instead;
// only when no copy is left does it fail with ObjectLostError.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { checkArray, makeArray } from "./remote-fns/objects.js";
import { rejection } from "../runtime/helpers.js";
import { installCore, resourceCluster } from "./in-process-runtime.js";

const driver = resourceCluster("object-copies", ["onlyOnA", "onlyOnB", "onlyOnC"]);
const stores = [...driver.objects!.stores.values()];
const [storeA, storeB, storeC] = stores as [(typeof stores)[0], (typeof stores)[0], (typeof stores)[0]];
const [nodeA, nodeB, nodeC] = [storeA.nodeId, storeB.nodeId, storeC.nodeId];

test.after(async () => {
  installCore(undefined);
  await driver.shutdown();
});

const on = (resource: string) => checkArray.options({ resources: { [resource]: 1 } });

/** Cuts node `store` off from every other node, as if it died. */
function gone(store: typeof storeA): void {
  for (const other of stores) {
    if (other === store) continue;
    const link = other.transferTo(store.nodeId)!.connection as unknown as { destroy(error?: Error): void };
    link.destroy(new Error(`node ${store.nodeId} died`));
  }
}

test("an object made on B and pulled to A is pulled from A's copy by C once B is gone", async () => {
  const ref = makeArray.options({ resources: { onlyOnB: 1 } }).remote(150_000, 67);
  assert.equal(await ray.get(on("onlyOnA").remote(ref, 67)), { nodeId: nodeA, length: 150_000, intact: true });
  gone(storeB);
  const servedByA = storeA.stats().transfer.pullsServed;
  assert.equal(await ray.get(on("onlyOnC").remote(ref, 67)), { nodeId: nodeC, length: 150_000, intact: true });
  assert.is(storeA.stats().transfer.pullsServed - servedByA, 1, "A served the pull");
});

test("with B gone, an object only B held is lost: a task on C needing it fails with ObjectLostError", async () => {
  // Made on C this time, so that B's absence does not matter to how it is made; then only C has
  // it, and C is cut off too: nobody can serve it to A.
  const ref = makeArray.options({ resources: { onlyOnC: 1 } }).remote(150_000, 71);
  await ray.wait([ref], { numReturns: 1 });
  gone(storeC);
  const error = await rejection(ray.get(on("onlyOnA").remote(ref, 71)), ray.TaskError);
  assert.instance(error.cause, ray.ObjectLostError);
});

test.run();
