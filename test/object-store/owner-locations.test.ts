// The owner's memory store and objects held on other nodes (driver/cluster-objects.ts): a large
// object the owner knows only by location is fetched for a get, passed on as a location to a
// task's arguments, and freed on every node when the owner drops it — but not while a task's
// arguments or a get still need it (a ref dropped as its object settles must not lose it).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as MemoryStoreModule from "../../runtime/dist/object-store/memory-store.js";
import type * as ClusterObjectsModule from "../../runtime/dist/driver/cluster-objects.js";
import type * as ResolverModule from "../../runtime/dist/owner/dependency-resolver.js";
import type { HeldDeps } from "../../runtime/dist/object-store/object-location.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { MemoryStore } = (await dist("object-store/memory-store.js")) as typeof MemoryStoreModule;
const { ClusterObjects } = (await dist("driver/cluster-objects.js")) as typeof ClusterObjectsModule;
const { resolveHeldDeps, releaseDeps } = (await dist("owner/dependency-resolver.js")) as typeof ResolverModule;

/** An owner on node A, a node B holding `id`'s bytes, and the owner knowing only where it is. */
function cluster(id: string, size = 1_000) {
  const objects = new ClusterObjects({ chunkBytes: 256, window: 2 });
  const store = new MemoryStore(undefined, undefined, objects);
  const a = objects.addDriverNode("A", store);
  const b = objects.addNode("B");
  const bytes = Uint8Array.from({ length: size }, (_, i) => i % 251);
  store.expect(id);
  b.put(id, bytes);
  return { objects, store, a, b, bytes, location: { objectId: id, heldOn: "B", size } };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

test("a get of an object held on node B pulls it to the owner's node", async () => {
  const { store, a, bytes, location } = cluster("x");
  store.putLocation("x", location);
  assert.equal(await store.getOne("x", undefined), bytes);
  assert.equal(a.get("x"), bytes);
  assert.is(a.stats().pulls, 1);
});

test("a task's arguments keep the location, nothing is pulled to the owner's node", async () => {
  const { store, a, location } = cluster("x");
  store.putLocation("x", location);
  let deps: HeldDeps | undefined;
  resolveHeldDeps(store, [0], ["x"], (o) => (deps = o.deps));
  assert.equal(deps?.bytes, [location]);
  assert.is(deps?.located, true);
  assert.is(a.stats().pulls, 0);
});

test("dropping an object held elsewhere frees the copies on every node", async () => {
  const { store, a, b, location } = cluster("x");
  store.putLocation("x", location);
  await store.getOne("x", undefined);
  store.delete("x");
  await turn();
  assert.is(a.get("x"), undefined);
  assert.is(b.get("x"), undefined);
});

test("a ref dropped before its object settled does not free it while a task's arguments need it", async () => {
  const { store, b, location } = cluster("x");
  let deps: HeldDeps | undefined;
  resolveHeldDeps(store, [0], ["x"], (o) => (deps = o.deps));
  store.delete("x"); // the owner's last ref went while the object was pending
  store.putLocation("x", location);
  await turn();
  assert.ok(b.get("x") !== undefined, "B keeps it for the task");
  releaseDeps(store, deps);
  assert.is(b.get("x"), undefined, "freed once the task is done with it");
});

test("a large object the owner holds goes to a task's arguments by reference, a small one inline", async () => {
  const { store } = cluster("unused");
  const large = new Uint8Array(200 * 1024).fill(7);
  const small = Uint8Array.of(1, 2, 3);
  store.putBytes("large", large);
  store.putBytes("small", small);
  let deps: HeldDeps | undefined;
  resolveHeldDeps(store, [0, 1], ["large", "small"], (o) => (deps = o.deps));
  assert.equal(deps?.bytes, [{ objectId: "large", heldOn: "A", size: large.byteLength }, small]);
});

test("an object a task's arguments retain outlives the drop of its last ref until they are released", async () => {
  const { store, a } = cluster("unused");
  const large = new Uint8Array(200 * 1024).fill(9);
  store.putBytes("large", large);
  let deps: HeldDeps | undefined;
  resolveHeldDeps(store, [0], ["large"], (o) => (deps = o.deps));
  store.delete("large");
  assert.equal(a.get("large"), large, "the owner's node still serves it to pulls");
  releaseDeps(store, deps);
  assert.is(a.get("large"), undefined);
  assert.is(store.peek("large"), undefined);
});

test.run();
