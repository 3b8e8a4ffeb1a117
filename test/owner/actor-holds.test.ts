// Actor reference counting in one process (owner/actor-holds.ts) and between processes over the owner
// link (owner/owner-links.ts): what holds an actor, when an owned actor goes out of scope, and when a
// borrower process borrows and releases an actor another process owns. No garbage collection here:
// holders are threads, links and values, driven by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as MemoryStoreModule from "../../runtime/dist/object-store/memory-store.js";
import type * as HoldsModule from "../../runtime/dist/owner/actor-holds.js";
import type * as LinksModule from "../../runtime/dist/owner/owner-links.js";
import type * as InMemoryModule from "../../runtime/dist/transport/in-memory-connection.js";
import type * as MessagesModule from "../../runtime/dist/protocol/owner-messages.js";
import type * as WrittenModule from "../../runtime/dist/common/written-handles.js";
import type { OwnerMessage } from "../../runtime/dist/protocol/owner-messages.js";
import { until } from "../runtime/helpers.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { MemoryStore } = (await dist("object-store/memory-store.js")) as typeof MemoryStoreModule;
const { ActorHolds } = (await dist("owner/actor-holds.js")) as typeof HoldsModule;
const { OwnerLinks } = (await dist("owner/owner-links.js")) as typeof LinksModule;
const { connectInMemory } = (await dist("transport/in-memory-connection.js")) as typeof InMemoryModule;
const { ownerMessageProblem } = (await dist("protocol/owner-messages.js")) as typeof MessagesModule;
const { WrittenHandles } = (await dist("common/written-handles.js")) as typeof WrittenModule;

const JOB = "aaaa0001";
const OTHER = "bbbb0002";
const mine = (n: number) => `${JOB}.d1.${n}`;
const theirs = (n: number) => `${OTHER}.d1.${n}`;

/** A process's holds with a store; `ended` lists the owned actors that went out of scope. */
function process1(owners?: HoldsModule.OwnerBorrows) {
  const store = new MemoryStore();
  const ended: string[] = [];
  const holds = new ActorHolds({ jobId: JOB, store, outOfScope: (id) => ended.push(id), ...(owners ? { owners: () => owners } : {}) });
  store.onDelete((id) => holds.objectDeleted(id));
  return { store, holds, ended };
}

test("an owned actor ends when the last thread that borrowed it releases it", () => {
  const { holds, ended } = process1();
  const [t1, t2] = [{}, {}];
  holds.own(mine(1));
  holds.borrow(t1, mine(1));
  holds.borrow(t2, mine(1));
  holds.release(t1, [mine(1)]);
  assert.equal(ended, []);
  holds.release(t2, [mine(1)]);
  assert.equal(ended, [mine(1)]);
});

test("a thread that borrows twice counts once, and its exit releases what it held", () => {
  const { holds, ended } = process1();
  const thread = {};
  holds.own(mine(1));
  holds.own(mine(2));
  holds.borrow(thread, mine(1));
  holds.borrow(thread, mine(1));
  holds.borrow(thread, mine(2));
  holds.holderGone(thread);
  assert.equal(ended.sort(), [mine(1), mine(2)]);
});

test("arguments hold an actor until the submission's return settles", () => {
  const { holds, store, ended } = process1();
  const thread = {};
  holds.own(mine(1));
  holds.borrow(thread, mine(1));
  store.expect(mine(50));
  holds.hold([mine(1)], { k: "settled", id: mine(50) });
  holds.release(thread, [mine(1)]);
  assert.equal(ended, [], "held by the arguments in flight");
  store.putBytes(mine(50), Uint8Array.of(1));
  assert.equal(ended, [mine(1)]);
});

test("a put value holds an actor until its object is deleted", () => {
  const { holds, store, ended } = process1();
  holds.own(mine(1));
  store.putBytes(mine(60), Uint8Array.of(1));
  holds.hold([mine(1)], { k: "deleted", ids: [mine(60)] });
  assert.equal(ended, []);
  store.delete(mine(60));
  assert.equal(ended, [mine(1)]);
});

test("results stored in another process's store hold their actor for the session", () => {
  const { holds, store, ended } = process1();
  holds.own(mine(1));
  holds.hold([mine(1)], { k: "deleted", ids: [theirs(70)] });
  store.putBytes(theirs(70), Uint8Array.of(1));
  store.delete(theirs(70));
  assert.equal(ended, []);
  assert.ok(holds.holds(mine(1)));
});

test("a constructor's arguments hold an actor until the actor they were given to ends", () => {
  const { holds, ended } = process1();
  holds.own(mine(1));
  holds.hold([mine(1)], { k: "actorEnds", actorId: mine(2) });
  assert.equal(ended, []);
  holds.actorEnded(mine(2));
  assert.equal(ended, [mine(1)]);
});

test("named and detached actors (never owned for counting) do not go out of scope", () => {
  const { holds, ended } = process1();
  const thread = {};
  holds.borrow(thread, mine(1));
  holds.holderGone(thread);
  assert.equal(ended, []);
  assert.not.ok(holds.holds(mine(1)));
});

test("an actor another process owns is borrowed there once, and released when nothing here holds it", async () => {
  const asked: string[] = [];
  const released: string[] = [];
  let answer!: () => void;
  const { holds } = process1({
    borrow: (id) => (asked.push(id), new Promise<void>((r) => (answer = r))),
    release: (id) => released.push(id),
  });
  const [t1, t2] = [{}, {}];
  const waiting = holds.borrow(t1, theirs(1));
  assert.ok(waiting !== undefined, "the first borrower waits for the owner");
  holds.borrow(t2, theirs(1));
  assert.equal(asked, [theirs(1)]);
  let counted = false;
  void waiting!.then(() => (counted = true));
  answer();
  await until(() => counted, "the owner's answer");
  const t3 = {};
  assert.is(holds.borrow(t3, theirs(1)), undefined, "counted already: nothing to wait for");
  holds.holderGone(t1);
  holds.holderGone(t2);
  assert.equal(released, []);
  holds.release(t3, [theirs(1)]);
  assert.equal(released, [theirs(1)]);
});

test("a handle written outside any collection holds its actor for the session", () => {
  const { holds, ended } = process1();
  const thread = {};
  holds.own(mine(1));
  holds.borrow(thread, mine(1));
  holds.encoded(mine(1));
  holds.holderGone(thread);
  assert.equal(ended, []);
});

test("a nested collection's handles are held by the outer one too", () => {
  const outside: string[] = [];
  const written = new WrittenHandles((id) => outside.push(id));
  const { value, actors } = written.collect(() => {
    written.encoded("a");
    const inner = written.collect(() => (written.encoded("b"), 7));
    written.encoded("a");
    return inner.value + (inner.actors?.length ?? 0);
  });
  assert.is(value, 8);
  assert.equal(actors?.sort(), ["a", "b"]);
  written.encoded("c");
  assert.equal(outside, ["c"]);
});

test("a peer process borrows an owned actor over the owner link, and its link closing releases it", async () => {
  const owner = process1();
  const [borrowerEnd, ownerEnd] = connectInMemory<OwnerMessage, OwnerMessage>("borrower", "owner");
  const log = () => {};
  const ownerLinks = new OwnerLinks({ jobId: JOB, nodeId: "node-a", store: owner.store, dial: () => undefined, log, actors: owner.holds });
  ownerLinks.accept(ownerEnd, OTHER);
  const borrowerLinks = new OwnerLinks({ jobId: OTHER, nodeId: "node-b", store: new MemoryStore(), dial: () => undefined, log });
  borrowerLinks.accept(borrowerEnd, JOB);
  owner.holds.own(mine(1));
  await borrowerLinks.borrow(mine(1));
  assert.ok(owner.holds.holds(mine(1)), "counted before the borrow is answered");
  borrowerLinks.release(mine(1));
  await until(() => owner.ended.length === 1, "released over the link");
  owner.holds.own(mine(2));
  await borrowerLinks.borrow(mine(2));
  borrowerEnd.close(1000, "borrower gone");
  await until(() => owner.ended.length === 2, "the closed link let go of its borrows");
  assert.equal(owner.ended, [mine(1), mine(2)]);
});

test("a peer's borrows are its process's: released on another of its links, kept while one link is left", async () => {
  const owner = process1();
  const log = () => {};
  const ownerLinks = new OwnerLinks({ jobId: JOB, nodeId: "node-a", store: owner.store, dial: () => undefined, log, actors: owner.holds });
  const [a1, o1] = connectInMemory<OwnerMessage, OwnerMessage>("borrower link 1", "owner link 1");
  const [a2, o2] = connectInMemory<OwnerMessage, OwnerMessage>("borrower link 2", "owner link 2");
  ownerLinks.accept(o1, OTHER);
  ownerLinks.accept(o2, OTHER);
  const borrowerLinks = new OwnerLinks({ jobId: OTHER, nodeId: "node-b", store: new MemoryStore(), dial: () => undefined, log });
  owner.holds.own(mine(1));
  owner.holds.own(mine(2));
  borrowerLinks.accept(a1, JOB);
  await borrowerLinks.borrow(mine(1));
  await borrowerLinks.borrow(mine(2));
  // The newer link to the owner now carries what this process sends.
  borrowerLinks.accept(a2, JOB);
  borrowerLinks.release(mine(1));
  await until(() => owner.ended.length === 1, "released on the other link");
  a1.close(1000, "an older link goes");
  await until(() => o1.state === "closed", "the owner saw link 1 close");
  assert.equal(owner.ended, [mine(1)], "the borrow of mine(2) stays while link 2 lives");
  a2.close(1000, "the process is gone");
  await until(() => owner.ended.length === 2, "the last link closed");
});

test("a borrow asked while the link to the owner is still connecting is sent, not skipped", async () => {
  const owner = process1();
  const [borrowerEnd, ownerEnd] = connectInMemory<OwnerMessage, OwnerMessage>("borrower", "owner");
  const log = () => {};
  new OwnerLinks({ jobId: JOB, nodeId: "node-a", store: owner.store, dial: () => undefined, log, actors: owner.holds }).accept(ownerEnd, OTHER);
  // As a ws connection before the server's welcome: "connecting", and what is sent is queued until it opens.
  let connecting = true;
  const queued: OwnerMessage[] = [];
  const send = borrowerEnd.send.bind(borrowerEnd);
  Object.defineProperty(borrowerEnd, "state", { get: () => (connecting ? "connecting" : "open") });
  borrowerEnd.send = (m: OwnerMessage) => void (connecting ? queued.push(m) : send(m));
  const borrowerLinks = new OwnerLinks({ jobId: OTHER, nodeId: "node-b", store: new MemoryStore(), dial: () => undefined, log });
  borrowerLinks.accept(borrowerEnd, JOB);
  owner.holds.own(mine(1));
  const borrowed = borrowerLinks.borrow(mine(1));
  assert.is(queued.length, 1, "the borrow waits in the connection's queue");
  connecting = false;
  for (const m of queued) send(m);
  await borrowed;
  assert.ok(owner.holds.holds(mine(1)), "the owner counted the borrow");
});

test("an owner with counted actors collects its garbage on its own, so a dropped handle is found", async () => {
  const { holds, ended } = process1();
  holds.own(mine(9));
  (() => holds.instance({ handle: "dropped at once" }, mine(9)))();
  await until(() => ended.length === 1, "the dropped handle found without a gc() call", 3_000);
  assert.equal(ended, [mine(9)]);
});

test("borrowers are asked to collect only once borrowers alone hold the actor", () => {
  const { holds } = process1();
  const asked: string[] = [];
  const [t1, t2] = [{}, {}];
  holds.own(mine(1));
  holds.hold([mine(1)], { k: "actorEnds", actorId: mine(7) }); // something else holds it too
  holds.borrow(t1, mine(1), (id) => asked.push(`t1 ${id}`));
  holds.borrow(t2, mine(1), (id) => asked.push(`t2 ${id}`));
  holds.release(t2, [mine(1)]);
  assert.equal(asked, [], "not while the constructor arguments hold it");
  holds.actorEnded(mine(7));
  assert.equal(asked, [`t1 ${mine(1)}`]);
});

test("malformed actor borrow messages on the owner link are refused at the boundary", () => {
  assert.is(ownerMessageProblem({ t: "borrowActor", reqId: 1, actorId: "x" }), undefined);
  assert.match(ownerMessageProblem({ t: "borrowActor", reqId: 1 }) ?? "", /without actorId/);
  assert.match(ownerMessageProblem({ t: "releaseActor", reqId: 0, actorIds: [1] }) ?? "", /without actorIds/);
  assert.match(ownerMessageProblem({ t: "actorBorrowed" }) ?? "", /no request id/);
  assert.match(ownerMessageProblem({ t: "collectHandles", reqId: 0 }) ?? "", /collectHandles without actorIds/);
});

test.run();
