import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "tsray/internal/scheduler";

const { SchedulingQueue, ResourceSet } = S;
type Item = { id: string; size: number };
type Outcome = ReturnType<Parameters<InstanceType<typeof SchedulingQueue<Item>>["dispatch"]>[0]>;

/** A capacity shared by attempts: items take `size` units while they fit. */
function capacity(free: number, total = free) {
  const started: string[] = [];
  const attempt = (item: Item): Outcome => {
    if (item.size > total) return { kind: "infeasible", missing: ResourceSet.of({ CPU: item.size - total }), reason: "too big" };
    if (item.size > free) return { kind: "blocked" };
    free -= item.size;
    started.push(item.id);
    return { kind: "taken" };
  };
  return { attempt, started };
}

const none = () => {};

test("requests of one class start in submission order", () => {
  const q = new SchedulingQueue<Item>();
  for (const id of ["a", "b", "c"]) q.enqueue("1cpu", { id, size: 1 });
  const cap = capacity(2);
  q.dispatch(cap.attempt, none, 0);
  assert.equal(cap.started, ["a", "b"]);
  assert.is(q.size, 1);
});

test("a small class runs while the head of a big class waits", () => {
  const q = new SchedulingQueue<Item>();
  q.enqueue("big", { id: "big1", size: 3 });
  q.enqueue("small", { id: "s1", size: 1 });
  q.enqueue("small", { id: "s2", size: 1 });
  const cap = capacity(2, 4);
  q.dispatch(cap.attempt, none, 0);
  assert.equal(cap.started, ["s1", "s2"]);
  assert.ok(q.has("big1"));
});

test("an infeasible class is reported once, skipped while the epoch stays, and re-checked when it changes", () => {
  const q = new SchedulingQueue<Item>();
  q.enqueue("huge", { id: "h1", size: 10 });
  q.enqueue("huge", { id: "h2", size: 10 });
  const reports: string[] = [];
  let attempts = 0;
  const attempt = (item: Item): Outcome => {
    attempts++;
    return { kind: "infeasible", missing: ResourceSet.of({ CPU: item.size }), reason: "too big" };
  };
  q.dispatch(attempt, (head) => reports.push(head.id), 0);
  q.dispatch(attempt, (head) => reports.push(head.id), 0);
  assert.equal(reports, ["h1"]);
  assert.is(attempts, 1);
  q.dispatch(attempt, (head) => reports.push(head.id), 1);
  assert.is(attempts, 2, "re-evaluated after the epoch changed");
  assert.equal(reports, ["h1"], "still infeasible: not reported again");
  assert.ok(q.status()[0]?.infeasible);
});

test("a class that became feasible and then infeasible again is reported again", () => {
  const q = new SchedulingQueue<Item>();
  q.enqueue("c", { id: "x", size: 2 });
  const reports: string[] = [];
  let total = 1;
  const attempt = (): Outcome =>
    total >= 2 ? { kind: "blocked" } : { kind: "infeasible", missing: ResourceSet.EMPTY, reason: "" };
  q.dispatch(attempt, (h) => reports.push(h.id), 0);
  total = 2;
  q.dispatch(attempt, (h) => reports.push(h.id), 1);
  total = 1;
  q.dispatch(attempt, (h) => reports.push(h.id), 2);
  assert.equal(reports, ["x", "x"]);
});

test("cancel removes a request from the middle of its class", () => {
  const q = new SchedulingQueue<Item>();
  for (const id of ["a", "b", "c"]) q.enqueue("k", { id, size: 1 });
  assert.equal(q.remove("b"), { id: "b", size: 1 });
  assert.is(q.remove("b"), undefined);
  const cap = capacity(5);
  q.dispatch(cap.attempt, none, 0);
  assert.equal(cap.started, ["a", "c"]);
  assert.is(q.size, 0);
  assert.equal(q.status(), []);
});

test("the same id cannot be queued twice", () => {
  const q = new SchedulingQueue<Item>();
  q.enqueue("k", { id: "a", size: 1 });
  assert.throws(() => q.enqueue("other", { id: "a", size: 1 }), /already queued/);
});

test("removeWhere takes every matching request out of all classes", () => {
  const q = new SchedulingQueue<Item>();
  q.enqueue("k1", { id: "a", size: 1 });
  q.enqueue("k2", { id: "b", size: 2 });
  q.enqueue("k2", { id: "c", size: 1 });
  assert.equal(q.removeWhere((i) => i.size === 1).map((i) => i.id), ["a", "c"]);
  assert.equal(q.status().map((c) => c.key), ["k2"]);
});

test.run();
