// The object-transfer protocol between two nodes' stores (object-store/object-transfer.ts,
// local-object-store.ts) over an in-memory connection, with small chunks so that flow control
// is visible: order, many chunks, a bounded number in flight, one pull per node, failures.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as StoreModule from "../../runtime/dist/object-store/local-object-store.js";
import type * as MemoryModule from "../../runtime/dist/transport/in-memory-connection.js";
import type * as ErrorsModule from "../../runtime/dist/common/errors.js";
import type { ObjectTransferMessage } from "../../runtime/dist/protocol/object-transfer.js";
import { until } from "../runtime/helpers.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { LocalObjectStore } = (await dist("object-store/local-object-store.js")) as typeof StoreModule;
const { connectInMemory } = (await dist("transport/in-memory-connection.js")) as typeof MemoryModule;
const { ObjectLostError } = (await dist("common/errors.js")) as typeof ErrorsModule;
const { transferMessageProblem } = (await dist("protocol/object-transfer.js")) as typeof import("../../runtime/dist/protocol/object-transfer.js");

const limits = { chunkBytes: 1000, window: 3 };

/** Two stores, "A" pulling from "B", and every message each end sent, in order. */
function pair() {
  const a = new LocalObjectStore("A", { limits });
  const b = new LocalObjectStore("B", { limits });
  const [toB, toA] = connectInMemory<ObjectTransferMessage, ObjectTransferMessage>("node A", "node B");
  const sentByA: ObjectTransferMessage[] = [];
  const sentByB: ObjectTransferMessage[] = [];
  const spy = (end: typeof toB, log: ObjectTransferMessage[]) => {
    const send = end.send.bind(end);
    end.send = (m: ObjectTransferMessage) => {
      log.push(m);
      send(m);
    };
  };
  spy(toB, sentByA);
  spy(toA, sentByB);
  a.connect("B", toB);
  b.connect("A", toA);
  return { a, b, toB, toA, sentByA, sentByB };
}

function bytes(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

test("an object pulled in many small chunks arrives intact, its chunks in order", async () => {
  const { a, b, sentByB } = pair();
  const original = bytes(100_500);
  b.put("obj", original);
  const pulled = await a.pull("obj", "B");
  assert.equal(pulled, original);
  assert.is.not(pulled, original, "the puller holds a copy of its own");
  const offsets = sentByB.flatMap((m) => (m.t === "chunk" ? [m.offset] : []));
  assert.is(offsets.length, 101);
  assert.equal(offsets, Array.from({ length: 101 }, (_, k) => k * 1000));
  assert.is(sentByB.at(-1)?.t, "end");
  assert.is(a.stats().transfer.chunksReceived, 101);
});

test("the holder never has more chunks unacknowledged than the puller's window", async () => {
  const { a, b, sentByA, sentByB, toB, toA } = pair();
  b.put("obj", bytes(20_000));
  // Interleave both ends' sends as they happen: chunks sent minus acks sent, at every step.
  let inFlight = 0;
  let most = 0;
  const trackB = toA.send.bind(toA);
  toA.send = (m: ObjectTransferMessage) => {
    if (m.t === "chunk") most = Math.max(most, ++inFlight);
    trackB(m);
  };
  const trackA = toB.send.bind(toB);
  toB.send = (m: ObjectTransferMessage) => {
    if (m.t === "ack") inFlight--;
    trackA(m);
  };
  await a.pull("obj", "B");
  assert.is(most, limits.window);
  assert.is(b.stats().transfer.maxUnacked, limits.window);
  assert.is(sentByA.filter((m) => m.t === "ack").length, 20);
  assert.is(sentByB.filter((m) => m.t === "chunk").length, 20);
});

test("a long pull lets both event loops run between windows", async () => {
  const { a, b } = pair();
  b.put("obj", bytes(60_000)); // 60 chunks, 3 in flight
  let turns = 0;
  let done = false;
  const tick = (): void => {
    turns++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  await a.pull("obj", "B");
  done = true;
  assert.ok(turns >= 10, `the event loop turned ${turns} times during the pull`);
});

test("a puller that asks for a huge window and never acknowledges gets at most 64 chunks", async () => {
  const b = new LocalObjectStore("B");
  const [raw, toA] = connectInMemory<ObjectTransferMessage, ObjectTransferMessage>("node A", "node B");
  b.connect("A", toA);
  b.put("obj", bytes(500));
  const got: ObjectTransferMessage[] = [];
  raw.onMessage = (m) => got.push(m);
  raw.send({ t: "pull", pullId: 1, objectId: "obj", chunkBytes: 1, window: 1_000_000 });
  await until(() => got.length >= 64, "the holder sent its first chunks");
  await new Promise((r) => setImmediate(r));
  assert.is(got.length, 64);
  assert.ok(got.every((m) => m.t === "chunk"));
  raw.send({ t: "ack", pullId: 1 });
  await until(() => got.length >= 65, "the holder sent one more chunk");
  assert.is(got.length, 65, "one ack, one more chunk");
});

test("a peer that sends a malformed message loses its connection (1002); the node serves its other peers", async () => {
  const { a, b } = pair(); // A pulls from B over a good connection
  const [raw, toB] = connectInMemory<ObjectTransferMessage, ObjectTransferMessage>("node X", "node B");
  b.connect("X", toB);
  b.put("obj", bytes(3_000));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (raw.onClose = resolve));
  raw.onMessage = () => {};
  const stderr = process.stderr.write;
  const lines: string[] = [];
  process.stderr.write = ((line: string) => (lines.push(line), true)) as typeof process.stderr.write;
  try {
    raw.send({ t: "bogus", pullId: 1 } as unknown as ObjectTransferMessage);
    const event = await closed;
    assert.is(event.code, 1002);
    assert.match(event.reason, /malformed object-transfer message \(unknown type "bogus"\)/);
  } finally {
    process.stderr.write = stderr;
  }
  assert.match(lines.join(""), /closing the object-transfer connection: node X sent a malformed/);
  assert.equal(await a.pull("obj", "B"), bytes(3_000));
});

test("ill-typed object-transfer messages are told apart from good ones", () => {
  const good: unknown[] = [
    { t: "pull", pullId: 1, objectId: "o", chunkBytes: 10, window: 2 },
    { t: "ack", pullId: 1 },
    { t: "cancel", pullId: 1 },
    { t: "chunk", pullId: 1, offset: 0, size: 3, bytes: Uint8Array.of(1, 2, 3) },
    { t: "end", pullId: 1, size: 3 },
    { t: "lost", pullId: 1, message: "gone" },
  ];
  const bad: unknown[] = [
    null,
    "pull",
    { t: "ack" },
    { t: "ack", pullId: -1 },
    { t: "pull", pullId: 1, objectId: 7, chunkBytes: 10, window: 2 },
    { t: "pull", pullId: 1, objectId: "o", chunkBytes: "10", window: 2 },
    { t: "chunk", pullId: 1, offset: 0, size: 3, bytes: [1, 2, 3] },
    { t: "chunk", pullId: 1, offset: 0.5, size: 3, bytes: Uint8Array.of(1) },
    { t: "end", pullId: 1 },
    { t: "lost", pullId: 1 },
    { t: "push", pullId: 1 },
  ];
  for (const m of good) assert.is(transferMessageProblem(m), undefined, JSON.stringify(m));
  for (const m of bad) assert.type(transferMessageProblem(m), "string", JSON.stringify(m));
});

test("concurrent needs of one object on a node share one pull, and the copy is kept", async () => {
  const { a, b } = pair();
  const original = bytes(5_000);
  b.put("obj", original);
  const all = await Promise.all([a.pull("obj", "B"), a.pull("obj", "B"), a.pull("obj", "B")]);
  for (const got of all) assert.equal(got, original);
  assert.is(await a.pull("obj", "B"), all[0], "a later need reads the kept copy");
  assert.is(a.stats().pulls, 1);
  assert.is(b.stats().transfer.pullsServed, 1);
});

test("an object the node holds is returned without a transfer", async () => {
  const { a } = pair();
  const mine = bytes(3_000);
  a.put("mine", mine);
  assert.is(await a.pull("mine", "B"), mine);
  assert.is(a.stats().pulls, 0);
});

test("a pull of an object the holder does not hold (freed there) rejects with ObjectLostError", async () => {
  const { a, b } = pair();
  b.put("obj", bytes(10));
  b.free("obj");
  const error = await a.pull("obj", "B").then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, ObjectLostError);
  assert.is((error as InstanceType<typeof ObjectLostError>).objectId, "obj");
  assert.match(String((error as Error).message), /node B/);
  assert.is(a.stats().pullsFailed, 1);
});

test("pulls in progress reject with ObjectLostError when the holder's connection is destroyed", async () => {
  const { a, b, toB } = pair();
  b.put("obj", bytes(50_000));
  const pulling = a.pull("obj", "B");
  const second = a.pull("obj", "B");
  toB.destroy(new Error("node B died"));
  for (const p of [pulling, second]) {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(error, ObjectLostError);
  }
  assert.is(a.transferTo("B")!.pending, 0);
  // And a later pull fails at once instead of waiting for a node that is gone.
  const later = await a.pull("obj", "B").then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(later, ObjectLostError);
});

test("a holder announcing another size than the owner recorded fails the pull before allocating", async () => {
  const { a, b } = pair();
  b.put("obj", bytes(5_000));
  const error = await a.pull("obj", "B", 4_000).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, ObjectLostError);
  assert.match(String((error as Error).message), /size of 5000 bytes where its owner recorded 4000/);
  assert.is(a.get("obj"), undefined);
});

test("a node with no connection to the holder fails the pull with ObjectLostError", async () => {
  const a = new LocalObjectStore("A");
  const error = await a.pull("obj", "C").then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, ObjectLostError);
  assert.match(String((error as Error).message), /node C cannot be reached/);
});

test("freeing a node's copy drops it; a pull brings it back", async () => {
  const { a, b } = pair();
  b.put("obj", bytes(2_000));
  await a.pull("obj", "B");
  assert.is(a.stats().objects, 1);
  a.free("obj");
  assert.is(a.get("obj"), undefined);
  assert.equal(a.stats().bytes, 0);
  await a.pull("obj", "B");
  assert.is(a.stats().pulls, 2);
});

test.run();
