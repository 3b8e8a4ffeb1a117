// The owner protocol between two runtimes' stores (owner/owner-links.ts, protocol/owner-messages.ts)
// over an in-memory connection: a borrower's store meets an id another job owns and asks that
// job's runtime, which answers once the object is ready; nothing waits for an owner that is gone.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as MemoryStoreModule from "../../runtime/dist/object-store/memory-store.js";
import type * as LinksModule from "../../runtime/dist/owner/owner-links.js";
import type * as InMemoryModule from "../../runtime/dist/transport/in-memory-connection.js";
import type * as ErrorsModule from "../../runtime/dist/common/errors.js";
import type * as MessagesModule from "../../runtime/dist/protocol/owner-messages.js";
import type { OwnerMessage } from "../../runtime/dist/protocol/owner-messages.js";
import type { Settled } from "../../runtime/dist/object-store/waiter.js";
import { rejection, until } from "../runtime/helpers.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { MemoryStore } = (await dist("object-store/memory-store.js")) as typeof MemoryStoreModule;
const { OwnerLinks } = (await dist("owner/owner-links.js")) as typeof LinksModule;
const { connectInMemory } = (await dist("transport/in-memory-connection.js")) as typeof InMemoryModule;
const { ObjectLostError, OwnerDiedError, TsrayError } = (await dist("common/errors.js")) as typeof ErrorsModule;
const { ownerMessageProblem } = (await dist("protocol/owner-messages.js")) as typeof MessagesModule;
const { checkToNodeEndpoint } = (await dist("node/node-message-checks.js")) as typeof import("../../runtime/dist/node/node-message-checks.js");

const JOB_A = "aaaa0001";
const JOB_B = "bbbb0002";
/** Ids runtime B minted (its driver's first session), which A borrows. */
const ofB = (n: number) => `${JOB_B}.d1.${n}`;

/** Runtime A (the borrower) and runtime B (the owner), linked when A first asks B; every message A got. */
function runtimes() {
  const storeA = new MemoryStore();
  const storeB = new MemoryStore();
  const [aEnd, bEnd] = connectInMemory<OwnerMessage, OwnerMessage>("runtime A", "runtime B");
  const closes: number[] = [];
  const close = aEnd.close.bind(aEnd);
  aEnd.close = (code?: number, reason?: string) => {
    closes.push(code ?? 1000);
    close(code, reason);
  };
  const log = () => {};
  const b = new OwnerLinks({ jobId: JOB_B, nodeId: "node-b", store: storeB, dial: () => undefined, log });
  let dials = 0;
  new OwnerLinks({
    jobId: JOB_A,
    nodeId: "node-a",
    store: storeA,
    dial: (job) => {
      if (job !== JOB_B) return undefined;
      dials++;
      b.accept(bEnd, JOB_A);
      return aEnd;
    },
    log,
  });
  return { storeA, storeB, aEnd, bEnd, closes, dials: () => dials };
}

/** What `id` settles to in `store` (without fetching a location). */
function settledIn(store: InstanceType<typeof MemoryStore>, id: string): Promise<Settled> {
  return new Promise((resolve) => store.whenSettled(id, { settled: (_at, s) => resolve(s) }, 0));
}

test("a borrower's get of a small object is answered by its owner with the bytes", async () => {
  const { storeA, storeB } = runtimes();
  storeB.putBytes(ofB(1), Uint8Array.of(1, 2, 3));
  assert.equal([...(await storeA.getOne(ofB(1), undefined))], [1, 2, 3]);
});

test("an object still pending at its owner is answered once it is ready", async () => {
  const { storeA, storeB, dials } = runtimes();
  storeB.expect(ofB(2));
  const got = storeA.getOne(ofB(2), undefined);
  await until(() => dials() === 1, "A dialled B");
  storeB.putBytes(ofB(2), Uint8Array.of(9));
  assert.equal([...(await got)], [9]);
});

test("the owner is asked once for an object however many gets wait for it", async () => {
  const { storeA, storeB, bEnd } = runtimes();
  const asked: OwnerMessage[] = [];
  storeB.putBytes(ofB(3), Uint8Array.of(7));
  const gets = [storeA.getOne(ofB(3), undefined), storeA.getOne(ofB(3), undefined)];
  const onMessage = bEnd.onMessage!;
  bEnd.onMessage = (m) => {
    asked.push(m);
    onMessage(m);
  };
  await Promise.all(gets);
  assert.is(asked.filter((m) => m.t === "getObject").length, 1);
});

test("a large object its owner holds is answered with its location on the owner's node", async () => {
  const { storeA, storeB } = runtimes();
  storeB.putBytes(ofB(4), new Uint8Array(200 * 1024));
  const settled = await settledIn(storeA, ofB(4));
  assert.equal(settled, { objectId: ofB(4), heldOn: "node-b", size: 200 * 1024 });
});

test("an object that failed at its owner fails the borrower's get with the same error", async () => {
  const { storeA, storeB } = runtimes();
  storeB.putError(ofB(5), new TsrayError("TSRAY_RUNTIME", "it failed there"));
  const e = await rejection(storeA.getOne(ofB(5), undefined), TsrayError);
  assert.is(e.code, "TSRAY_RUNTIME");
  assert.match(e.message, /it failed there/);
});

test("an id its owner no longer knows fails the borrower's get with ObjectLostError", async () => {
  const { storeA } = runtimes();
  const e = await rejection(storeA.getOne(ofB(6), undefined), ObjectLostError);
  assert.is(e.code, "TSRAY_OBJECT_LOST");
  assert.match(e.message, /no longer holds it/);
});

test("a request pending when the owner's connection closes fails with OwnerDiedError", async () => {
  const { storeA, storeB, aEnd, dials } = runtimes();
  storeB.expect(ofB(7));
  const got = storeA.getOne(ofB(7), undefined);
  await until(() => dials() === 1, "A dialled B");
  aEnd.destroy(new Error("the owner's process died"));
  const e = await rejection(got, OwnerDiedError);
  assert.is(e.code, "TSRAY_OWNER_DIED");
  assert.match(e.message, /is gone/);
});

test("a ref whose job no live process runs fails with OwnerDiedError at once", async () => {
  const { storeA } = runtimes();
  const e = await rejection(storeA.getOne("cccc0003.d1.1", undefined), OwnerDiedError);
  assert.match(e.message, /no live node/);
});

test("the borrower's own ids are never asked of anyone", async () => {
  const { storeA, dials } = runtimes();
  const got = storeA.getOne(`${JOB_A}.d1.1`, undefined);
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(dials(), 0);
  storeA.putBytes(`${JOB_A}.d1.1`, Uint8Array.of(4));
  assert.equal([...(await got)], [4]);
});

test("a message of another protocol on an owner link closes it with 1002, and the borrower's pending get fails", async () => {
  const { storeA, storeB, bEnd, closes, dials } = runtimes();
  storeB.expect(ofB(8));
  const got = storeA.getOne(ofB(8), undefined);
  await until(() => dials() === 1, "A dialled B");
  bEnd.send({ t: "lease", spec: {} } as unknown as OwnerMessage);
  await rejection(got, OwnerDiedError);
  assert.equal(closes, [1002]);
});

test("owner messages are checked field by field", () => {
  assert.is(ownerMessageProblem({ t: "getObject", reqId: 1, objectId: "x" }), undefined);
  assert.is(ownerMessageProblem({ t: "object", reqId: 1, value: Uint8Array.of(1) }), undefined);
  assert.is(ownerMessageProblem({ t: "object", reqId: 1, value: { objectId: "x", heldOn: "n", size: 3 } }), undefined);
  assert.ok(ownerMessageProblem({ t: "getObject", reqId: -1, objectId: "x" }));
  assert.ok(ownerMessageProblem({ t: "getObject", reqId: 1 }));
  assert.ok(ownerMessageProblem({ t: "object", reqId: 1, value: { objectId: "x", heldOn: 3, size: 3 } }));
  assert.ok(ownerMessageProblem({ t: "object", reqId: 1, value: { objectId: "x", heldOn: "n", size: 3, copies: [1] } }));
  assert.ok(ownerMessageProblem({ t: "objectFailed", reqId: 1, error: "no" }));
  assert.ok(ownerMessageProblem({ t: "what", reqId: 1 }));
  assert.ok(ownerMessageProblem(null));
});

test("a node's endpoint takes an owner channel's open and its messages, checked", () => {
  assert.is(checkToNodeEndpoint({ t: "open", channel: "owner", from: "n", job: "j" }), undefined);
  assert.is(checkToNodeEndpoint({ t: "getObject", reqId: 1, objectId: "x" }), undefined);
  assert.ok(checkToNodeEndpoint({ t: "open", channel: "owner", from: "n", job: 3 }));
  assert.ok(checkToNodeEndpoint({ t: "open", channel: "other", from: "n" }));
  assert.ok(checkToNodeEndpoint({ t: "objectFailed", reqId: 1 }));
});

test.run();
