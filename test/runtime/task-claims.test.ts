// Claim cells on their own and in the task manager, with fake threads: which tasks are sent ahead,
// and that a CPU going idle takes back the ones a thread has not started, without a message to it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as ClaimsModule from "../../runtime/dist/protocol/task-claims.js";
import type * as ManagerModule from "../../runtime/dist/owner/task-manager.js";
import type * as SchedulerModule from "../../runtime/dist/scheduler/local-scheduler.js";
import type * as ResourcesModule from "../../runtime/dist/scheduler/resource-set.js";
import type * as StoreModule from "../../runtime/dist/object-store/memory-store.js";
import type * as NodeClientModule from "../../runtime/dist/node/local-node-client.js";
import type { TaskCall } from "../../runtime/dist/common/task-spec.js";
import type { ToWorker } from "../../runtime/dist/protocol/thread-messages.js";
import type { PoolWorker, WorkerPool } from "../../runtime/dist/node/worker-pool.js";

// Compiled to test/dist/runtime/: the runtime's dist is three levels up.
const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { ClaimTable, claimable, claimToStart }: typeof ClaimsModule = await dist("protocol/task-claims.js");
const { TaskManager }: typeof ManagerModule = await dist("owner/task-manager.js");
const { LocalScheduler }: typeof SchedulerModule = await dist("scheduler/local-scheduler.js");
const { ResourceSet }: typeof ResourcesModule = await dist("scheduler/resource-set.js");
const { MemoryStore }: typeof StoreModule = await dist("object-store/memory-store.js");
const { LocalNodeClient }: typeof NodeClientModule = await dist("node/local-node-client.js");

type Run = Extract<ToWorker, { t: "run" }>;

test("a task is either claimed by its thread or revoked by the driver, never both", () => {
  const table = new ClaimTable();
  const cells = new Int32Array(table.buffer);
  const a = table.take()!;
  const b = table.take()!;
  assert.ok(claimToStart(cells, a));
  assert.not.ok(table.revoke(a), "a started task cannot be revoked");
  assert.ok(table.revoke(b));
  assert.not.ok(claimToStart(cells, b), "a revoked task does not start");
});

test("a revoked task whose cell was reused for another task still does not start", () => {
  const table = new ClaimTable();
  const cells = new Int32Array(table.buffer);
  const old = table.take()!;
  assert.ok(table.revoke(old));
  table.release(old);
  const reused = table.take()!;
  assert.not.ok(claimable(cells, old));
  assert.ok(claimable(cells, reused));
  assert.not.ok(claimToStart(cells, old), "the stale message finds another ticket in the cell");
  assert.ok(claimToStart(cells, reused));
});

/** A fake pool thread: records what the driver posts to it and claims tasks as a thread would. */
function fakeWorker(name: string) {
  const posted: ToWorker[] = [];
  let cells: Int32Array | undefined;
  const client = {
    workerId: name,
    isThread: true,
    exited: false,
    post(m: ToWorker) {
      if (m.t === "claimCells") cells = new Int32Array(m.buffer);
      posted.push(m);
    },
    terminate: () => Promise.resolve(0),
  };
  const worker = { client, tasks: new Set<string>(), active: 0, knownFns: new Set<number>() } as unknown as PoolWorker;
  return {
    worker,
    /** Tasks posted to run, in order. */
    runs: () => posted.filter((m): m is Run => m.t === "run"),
    posted,
    /** The thread reaching a task: may it start it? */
    claim: (taskId: string) => {
      const m = posted.find((p): p is Run => p.t === "run" && p.taskId === taskId)!;
      return m.claim === undefined || claimToStart(cells, m.claim);
    },
  };
}

function setup(cpus: number) {
  const threads = [fakeWorker("w1"), fakeWorker("w2")];
  const scheduler = new LocalScheduler<unknown>({
    nodeId: "n",
    totals: ResourceSet.of({ CPU: cpus }),
    events: { onDispatch: (request, grant) => node.granted(request, grant) },
  });
  const pool = {
    pick: () => threads.map((t) => t.worker).reduce((best, w) => (w.active < best.active ? w : best)),
  } as unknown as WorkerPool;
  const node = new LocalNodeClient({ scheduler, pool: () => pool });
  const manager = new TaskManager({
    store: new MemoryStore(),
    node,
    rebuildError: () => new Error("remote"),
  });
  const call: TaskCall = {
    fn: { id: "f", url: "file:///f.js" },
    name: "f",
    numReturns: 1,
    demand: {},
    maxRetries: 0,
    retryExceptions: false,
  };
  const submit = (id: string) => manager.submit(id, call, { bytes: new Uint8Array([0xc0]) }, undefined);
  const done = (t: (typeof threads)[number], id: string) => manager.onDone(t.worker, id, [new Uint8Array([0xc0])]);
  return { threads, manager, submit, done };
}

test("queued tasks are sent ahead to a lease's thread with a claim; a lease's first task has none", () => {
  const { threads, submit, done } = setup(1);
  const [w1] = threads as [ReturnType<typeof fakeWorker>];
  for (const id of ["a", "b", "c", "d"]) submit(id);
  // "a" started alone; when it ends, "b" starts a new lease and the rest is sent ahead behind it.
  done(w1, "a");
  assert.equal(w1.runs().map((m) => [m.taskId, m.claim !== undefined]), [["a", false], ["b", false], ["c", true], ["d", true]]);
  const cellsAt = w1.posted.findIndex((m) => m.t === "claimCells");
  assert.ok(cellsAt >= 0 && cellsAt < w1.posted.findIndex((m) => m.t === "run" && m.taskId === "c"), "the cells came before the first claimed task");
});

test("a CPU that goes idle takes the tasks its neighbour has not started, without a message to that thread", () => {
  const { threads, submit, done } = setup(2);
  const [w1, w2] = threads as [ReturnType<typeof fakeWorker>, ReturnType<typeof fakeWorker>];
  for (const id of ["a", "b", "c", "d", "e", "f", "g"]) submit(id);
  // a on w1, b on w2; c…g queued. b ends: its CPU takes c and its fair share of the queue, sent ahead.
  done(w2, "b");
  assert.equal(w2.runs().map((m) => m.taskId), ["b", "c", "d", "e"]);
  assert.ok(w2.claim("c"));
  const postedToW2 = w2.posted.length;
  // a, f and g end on w1: then it is idle while d and e wait behind c.
  done(w1, "a");
  done(w1, "f");
  done(w1, "g");
  assert.is(w2.posted.length, postedToW2, "nothing was posted to the busy thread");
  assert.not.ok(w2.claim("d"), "w2 drops d when it reaches it");
  assert.not.ok(w2.claim("e"));
  // The idle CPU took d; e is queued first for the next CPU to come free (the queue's fair share).
  assert.equal(w1.runs().map((m) => m.taskId), ["a", "f", "g", "d"]);
  done(w2, "c");
  assert.equal(w2.runs().map((m) => m.taskId), ["b", "c", "d", "e", "e"]);
});

test("a task its thread has already started stays there", () => {
  const { threads, submit, done } = setup(2);
  const [w1, w2] = threads as [ReturnType<typeof fakeWorker>, ReturnType<typeof fakeWorker>];
  for (const id of ["a", "b", "c", "d", "e", "f", "g"]) submit(id);
  done(w2, "b");
  assert.ok(w2.claim("c"));
  assert.ok(w2.claim("d"), "c ended on the thread and d started; the driver has not heard yet");
  done(w1, "a");
  done(w1, "f");
  done(w1, "g");
  assert.equal(w1.runs().map((m) => m.taskId), ["a", "f", "g", "e"]);
  assert.not.ok(w2.claim("e"));
  done(w2, "c");
  done(w2, "d");
  assert.equal(w2.runs().map((m) => m.taskId), ["b", "c", "d", "e"], "d was not sent again");
});

test("a task blocked in get gives the tasks sent ahead behind it to the CPU it lends", () => {
  const { threads, manager, submit, done } = setup(1);
  const [w1] = threads as [ReturnType<typeof fakeWorker>];
  for (const id of ["a", "b", "c", "d"]) submit(id);
  done(w1, "a");
  assert.equal(w1.runs().map((m) => m.taskId), ["a", "b", "c", "d"]);
  assert.ok(w1.claim("b"));
  manager.onBlocked("b");
  assert.not.ok(w1.claim("c"), "the copies behind b are revoked");
  assert.not.ok(w1.claim("d"));
  // Sent again as a new lease under the lent CPU: c first, d sent ahead behind it.
  assert.equal(w1.runs().slice(4).map((m) => [m.taskId, m.claim !== undefined]), [["c", false], ["d", true]]);
});

test.run();
