// The driver's object store on its own: ready objects are kept as bytes,
// one-byte encodings as shared constants, pending ones without a record until
// someone waits. These tests pin the behaviour that must not change with that.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as StoreModule from "../../runtime/dist/object-store/memory-store.js";

// Compiled to test/dist/runtime/: the runtime's dist is three levels up (as test/codec's harness does).
const { MemoryStore }: typeof StoreModule = await import(new URL("../../../runtime/dist/object-store/memory-store.js", import.meta.url).href);

const bytes = (...b: number[]) => Uint8Array.from(b);

test("equal one-byte objects under different ids stay independent: deleting one leaves the other readable", async () => {
  const store = new MemoryStore();
  store.putBytes("a", bytes(0x07));
  store.putBytes("b", bytes(0x07));
  store.delete("a");
  assert.is(store.peek("a"), undefined);
  assert.equal([...(await store.getOne("b", undefined))], [0x07]);
});

test("get returns settled and pending objects in input order once all are ready", async () => {
  const store = new MemoryStore();
  store.expect("p");
  store.putBytes("r", bytes(0x01, 0x02));
  const got = store.getMany(["p", "r", "p"], undefined);
  store.putBytes("p", bytes(0x03));
  assert.equal((await got).map((b) => [...b]), [[0x03], [0x01, 0x02], [0x03]]);
});

test("an object deleted while pending is dropped when it settles, after its waiters got it", async () => {
  const store = new MemoryStore();
  store.expect("t");
  const got = store.getOne("t", undefined);
  store.delete("t");
  assert.is(store.size, 1);
  store.putBytes("t", bytes(0x05));
  assert.equal([...(await got)], [0x05]);
  assert.is(store.size, 0);
});

test("an object deleted while pending with nobody waiting is dropped when it settles", () => {
  const store = new MemoryStore();
  store.expect("t");
  store.delete("t");
  store.putBytes("t", bytes(0x05, 0x06));
  assert.is(store.size, 0);
  assert.is(store.peek("t"), undefined);
});

test("a failed object rejects get with its error and ignores a later put", async () => {
  const store = new MemoryStore();
  store.expect("f");
  const got = store.getMany(["f"], undefined);
  const error = new Error("boom");
  store.putError("f", error);
  store.putBytes("f", bytes(0x01));
  await got.then(
    () => assert.unreachable("get resolved"),
    (e: unknown) => assert.is(e, error),
  );
  assert.is(store.peek("f"), error);
});

test("a ready object ignores a late duplicate put or error", () => {
  const store = new MemoryStore();
  store.putBytes("r", bytes(0x01, 0x02));
  store.putBytes("r", bytes(0x09));
  store.putError("r", new Error("late"));
  assert.equal([...(store.peek("r") as Uint8Array)], [0x01, 0x02]);
});

test("a waiter that settles the next object does not recurse: 100,000 objects settled one from another all settle", () => {
  const store = new MemoryStore();
  const n = 100_000;
  for (let i = 0; i < n - 1; i++) {
    store.whenSettled(`o${i}`, { settled: (_at, s) => store.putError(`o${i + 1}`, s as Error) }, 0);
  }
  let last: unknown;
  store.whenSettled(`o${n - 1}`, { settled: (_at, s) => (last = s) }, 0);
  const error = new Error("root");
  store.putError("o0", error);
  assert.is(last, error);
});

test("a waiter that throws does not keep the object's other waiters from being told", () => {
  const store = new MemoryStore();
  const told: number[] = [];
  store.whenSettled("x", { settled: () => { throw new Error("waiter bug"); } }, 0);
  store.whenSettled("x", { settled: (at) => told.push(at) }, 1);
  store.whenSettled("x", { settled: (at) => told.push(at) }, 2);
  try {
    store.putBytes("x", bytes(0x01));
    assert.unreachable("the waiter's error reaches the settler");
  } catch (e) {
    assert.is((e as Error).message, "waiter bug");
  }
  assert.equal(told, [1, 2]);
});

test("work in flight: an expected return and a get in progress keep the store busy until they settle", async () => {
  const store = new MemoryStore();
  const changes: boolean[] = [];
  store.onBusyChange((busy) => changes.push(busy));
  store.expect("t");
  store.expect("t"); // counted once
  const got = store.getOne("t", undefined);
  assert.ok(store.busy);
  store.putBytes("t", bytes(0x05));
  await got;
  assert.not.ok(store.busy);
  assert.equal(changes, [true, false]);
});

test("a return that was waited for before it was expected still counts as work until it settles", async () => {
  const store = new MemoryStore();
  const waited = store.getOne("u", undefined).catch((e: Error) => e);
  store.expect("u");
  await Promise.resolve();
  assert.ok(store.busy);
  store.putError("u", new Error("failed"));
  assert.instance(await waited, Error);
  assert.not.ok(store.busy);
  // The count is balanced (not below zero): the next return makes the store busy again.
  store.expect("v");
  assert.ok(store.busy);
});

test("closing the store ends all work in flight", () => {
  const store = new MemoryStore();
  store.expect("t");
  store.close(new Error("closed"));
  assert.not.ok(store.busy);
});

test.run();
