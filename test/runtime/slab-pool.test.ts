// The slab pool and the pins held for threads, without a runtime (object-store/slab-pool.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  SlabPool,
  ThreadSlabPins,
  ThreadSlabViews,
  defaultCollectAboveBytes,
  defaultMaxFreeBytes,
  slabClassBytes,
  slabIdOf,
} from "tsray/internal/object-store";

const KiB = 1024;
const GiB = 1024 ** 3;
const objects = (bytes: Uint8Array[]) => ({ t: "reply", reqId: 1, ok: true, value: { k: "objects", bytes } }) as const;
const microtask = () => new Promise<void>((r) => queueMicrotask(r));

test("size classes round up by at most a quarter plus 4 KiB, to whole pages", () => {
  for (const n of [1, 64 * KiB + 1, 100_008, 1 << 20, (1 << 20) + 1, 3_000_017, 256 * 1024 * KiB + 8]) {
    const c = slabClassBytes(n);
    assert.ok(c >= n && c <= Math.max(n, 64 * KiB) * 1.25 + 4 * KiB, `${n} -> ${c}`);
    assert.is(c % 4096, 0);
  }
});

test("the frame of a binary whose size is a power of two fits the class just above it", () => {
  assert.is(slabClassBytes(256 * 1024 * KiB + 100), 256 * 1024 * KiB + 4 * KiB);
});

test("the default free-memory cap is the smaller of 2 GiB and an eighth of total memory", () => {
  assert.is(defaultMaxFreeBytes(8 * GiB), GiB);
  assert.is(defaultMaxFreeBytes(64 * GiB), 2 * GiB);
});

test("bytes allocated in a slab carry the slab's id; other bytes carry none", () => {
  const pool = new SlabPool();
  assert.type(slabIdOf(pool.allocate(100_000)), "number");
  assert.is(slabIdOf(new Uint8Array(100)), undefined);
  assert.is(slabIdOf(new Uint8Array(new SharedArrayBuffer(100), 8)), undefined);
});

test("a freed slab serves the next allocation of its size class", () => {
  const pool = new SlabPool();
  const a = pool.allocate(100_000);
  pool.release(a);
  assert.is(pool.status().freeSlabs, 1);
  const b = pool.allocate(100_100);
  assert.is(b.buffer, a.buffer);
  assert.equal([pool.status().created, pool.status().reused], [1, 1]);
});

test("a pinned slab is not reused until its last pin goes", () => {
  const pool = new SlabPool();
  const a = pool.allocate(100_000);
  const id = slabIdOf(a)!;
  pool.pin(id);
  pool.release(a);
  const b = pool.allocate(100_000);
  assert.is.not(b.buffer, a.buffer);
  pool.unpin(id);
  assert.is(pool.status().freeSlabs, 1);
});

test("free slabs beyond the cap are dropped", () => {
  const pool = new SlabPool({ maxFreeBytes: 200_000 });
  const slabs = [pool.allocate(100_000), pool.allocate(100_000), pool.allocate(100_000)];
  for (const s of slabs) pool.release(s);
  const status = pool.status();
  assert.is(status.freeSlabs, 1);
  assert.ok(status.freeBytes <= 200_000);
  assert.is(status.dropped, 2);
});

test("the default collection threshold is the smaller of 512 MiB and a sixteenth of total memory", () => {
  assert.is(defaultCollectAboveBytes(4 * GiB), 256 * 1024 * KiB);
  assert.is(defaultCollectAboveBytes(64 * GiB), 512 * 1024 * KiB);
});

/** A pool whose forced collections are counted, with a threshold of four 100 kB slabs. */
function countingPool(): { pool: SlabPool; collections: () => number } {
  let n = 0;
  const slab = slabClassBytes(8 + 100_000);
  const pool = new SlabPool({ collectAboveBytes: 4 * slab, collect: () => n++ });
  return { pool, collections: () => n };
}

test("allocating within the collection threshold forces no collection", () => {
  const { pool, collections } = countingPool();
  for (let i = 0; i < 4; i++) pool.allocate(100_000);
  assert.is(collections(), 0);
});

test("an allocation that takes pinned slab memory past the threshold forces one collection first", () => {
  const { pool, collections } = countingPool();
  for (let i = 0; i < 5; i++) pool.allocate(100_000);
  assert.is(collections(), 1);
  assert.is(pool.status().collections, 1);
});

test("while everything stays pinned, collections come once per doubling of slab memory", () => {
  const { pool, collections } = countingPool();
  for (let i = 0; i < 33; i++) pool.allocate(100_000);
  // Passing 4, 8, 16 and 32 slabs.
  assert.is(collections(), 4);
});

test("reusing freed slabs past the threshold forces a collection too, so dead slabs are found before the free list runs out", () => {
  const { pool, collections } = countingPool();
  const first = Array.from({ length: 5 }, () => pool.allocate(100_000));
  assert.is(collections(), 1);
  for (const bytes of first) pool.release(bytes); // what the finalizers do after the collection
  for (let i = 0; i < 5; i++) pool.allocate(100_000);
  assert.is(pool.status().created, 5);
  assert.is(collections(), 2);
});

test("after a forced collection, finalizersDue resolves once the event loop has turned, then is gone", async () => {
  const { pool } = countingPool();
  assert.is(pool.finalizersDue(), undefined);
  for (let i = 0; i < 5; i++) pool.allocate(100_000);
  const due = pool.finalizersDue();
  assert.ok(due instanceof Promise);
  await due;
  assert.is(pool.finalizersDue(), undefined);
});

test("pinning or unpinning a slab that is free is refused", () => {
  const pool = new SlabPool();
  const a = pool.allocate(100_000);
  const id = slabIdOf(a)!;
  pool.release(a);
  assert.throws(() => pool.pin(id), /after it was freed/);
  assert.throws(() => pool.unpin(id), /more often than pinned/);
});

test("each delivery to a thread pins the slab until the thread hands it back", () => {
  const pool = new SlabPool();
  const pins = new ThreadSlabPins(pool);
  const thread = {};
  const bytes = pool.allocate(100_000);
  const id = slabIdOf(bytes)!;
  pins.posting(thread, true, objects([bytes, bytes]));
  assert.is(pool.status().pins, 3);
  pins.handedBack(thread, [id], [1]);
  assert.is(pool.status().pins, 2);
  pins.handedBack(thread, [id], [5]); // more than it was given: capped at what it holds
  assert.is(pool.status().pins, 1);
  assert.is(pins.heldBy(thread), 0);
});

test("a thread's exit drops its pins", () => {
  const pool = new SlabPool();
  const pins = new ThreadSlabPins(pool);
  const thread = {};
  const bytes = pool.allocate(100_000);
  pins.posting(thread, true, objects([bytes]));
  pins.posting(thread, true, objects([bytes]));
  pins.threadGone(thread);
  assert.is(pool.status().pins, 1);
});

test("a worker that shares no memory gets a copy of the bytes and pins nothing", () => {
  const pool = new SlabPool();
  const pins = new ThreadSlabPins(pool);
  const bytes = pool.allocate(100_000);
  bytes.fill(7);
  const sent = pins.posting({}, false, objects([bytes]));
  const copy = (sent as ReturnType<typeof objects>).value.bytes[0]!;
  assert.not.ok(copy.buffer instanceof SharedArrayBuffer);
  assert.is(copy.byteLength, bytes.byteLength);
  assert.is(copy[99_999], 7);
  assert.is(pool.status().pins, 1);
});

test("a thread hands a delivery back at once when decoding it made no view", async () => {
  const pool = new SlabPool();
  const bytes = pool.allocate(100_000);
  const posted: unknown[] = [];
  const views = new ThreadSlabViews((m) => posted.push(m));
  views.received(objects([bytes]));
  views.decoded(slabIdOf(bytes)!, bytes, []);
  await microtask();
  assert.equal(posted, [{ t: "unpin", slabs: [slabIdOf(bytes)], counts: [1] }]);
  assert.is(views.held, 0);
});

test("a thread keeps a delivery while a view decoded from it may be reachable", async () => {
  const pool = new SlabPool();
  const bytes = pool.allocate(100_000);
  const posted: unknown[] = [];
  const views = new ThreadSlabViews((m) => posted.push(m));
  views.received(objects([bytes]));
  const view = new Float64Array(bytes.buffer, bytes.byteOffset + 64, 8);
  views.decoded(slabIdOf(bytes)!, bytes, [view]);
  await microtask();
  assert.equal(posted, []);
  assert.is(views.held, 1);
  assert.is(view.length, 8);
});

test.run();
