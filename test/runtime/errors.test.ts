import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";

test("every exported error class is an Error with a stable code", () => {
  const cases: Array<[Error & { code: string }, string]> = [
    [new ray.TaskError("add", new RangeError("bad")), "TSRAY_TASK_ERROR"],
    [new ray.ActorDiedError("a1", "gone"), "TSRAY_ACTOR_DIED"],
    [new ray.WorkerCrashedError("crash"), "TSRAY_WORKER_CRASHED"],
    [new ray.NodeDiedError("n1", "gone"), "TSRAY_NODE_DIED"],
    [new ray.TaskUnschedulableError("never"), "TSRAY_TASK_UNSCHEDULABLE"],
    [new ray.ObjectLostError("o1", "lost"), "TSRAY_OBJECT_LOST"],
    [new ray.TaskCancelledError("add"), "TSRAY_TASK_CANCELLED"],
    [new ray.GetTimeoutError(0.5), "TSRAY_GET_TIMEOUT"],
    [new ray.OutOfMemoryError("oom"), "TSRAY_OUT_OF_MEMORY"],
    [new ray.SerializationError("argument 1 of add", "functions cannot be sent"), "TSRAY_SERIALIZATION"],
  ];
  for (const [error, code] of cases) {
    assert.instance(error, Error);
    assert.is(error.code, code);
    assert.is(error.name, error.constructor.name);
  }
});

test("a TaskError keeps the original error as its cause and names the task", () => {
  const cause = new RangeError("x must be positive");
  const error = new ray.TaskError("sqrt", cause);
  assert.is(error.cause, cause);
  assert.is(error.taskName, "sqrt");
  assert.match(error.message, "RangeError: x must be positive");
});

test("system failures are kept apart from user failures", () => {
  assert.instance(new ray.WorkerCrashedError("crash"), ray.SystemError);
  assert.not.instance(new ray.TaskError("f", new Error("boom")), ray.SystemError);
});

/** `levels` TaskErrors, each wrapping the one before, around `root`; the innermost task is "t0". */
function wrapped(levels: number, root: Error): ray.TaskError {
  let e = new ray.TaskError("t0", root);
  for (let i = 1; i < levels; i++) e = new ray.TaskError(`t${i}`, e);
  return e;
}

test("a TaskError around another names the root cause and the path, not the inner messages", () => {
  const e = wrapped(3, new RangeError("bad input"));
  assert.is(e.message, "Task t2 failed: RangeError: bad input\n  through 3 tasks, outermost first: t2 → t1 → t0");
  assert.equal(e.taskPath, ["t2", "t1", "t0"]);
  assert.is(e.taskDepth, 3);
  assert.is((e.rootCause as Error).message, "bad input");
});

test("a short chain keeps its inner TaskErrors as they are", () => {
  const inner = new ray.TaskError("inner", new Error("boom"));
  assert.is(new ray.TaskError("outer", inner).cause, inner);
});

test("wrapping a TaskError 10,000 times keeps the message, the path and the cause chain bounded", () => {
  const e = wrapped(10_000, new RangeError("root"));
  assert.is(e.taskDepth, 10_000);
  assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
  assert.match(e.message, "t9999 → t9998");
  assert.match(e.message, "… 9984 more …");
  assert.match(e.message, "t1 → t0");
  assert.equal(e.taskPath, ["t9999", "t9998", "t9997", "t9996", "t9995", "t9994", "t9993", "t9992", "t7", "t6", "t5", "t4", "t3", "t2", "t1", "t0"]);
  let taskErrors = 0;
  let c: unknown = e;
  for (; c instanceof ray.TaskError; c = c.cause) taskErrors++;
  assert.ok(taskErrors >= 2 && taskErrors <= 4, `${taskErrors} TaskErrors in the cause chain`);
  assert.is((e.cause as ray.TaskError).taskName, "t9998");
  assert.is(c, e.rootCause);
  assert.is((c as Error).message, "root");
});

test("a cut chain copies the inner TaskError it keeps and leaves the original whole", () => {
  const root = new Error("root");
  const inner = wrapped(4, root);
  const outer = new ray.TaskError("outer", inner);
  assert.is.not(outer.cause, inner);
  assert.instance(outer.cause, ray.TaskError);
  assert.is((outer.cause as ray.TaskError).taskName, "t3");
  assert.is((outer.cause as ray.TaskError).message, inner.message);
  assert.is((outer.cause as Error).cause, root);
  assert.instance(((inner.cause as Error).cause as Error).cause, ray.TaskError); // the original still has its 4
});

test("a very long root cause message is cut in the TaskError's message but kept whole in rootCause", () => {
  const long = "x".repeat(100_000);
  const e = new ray.TaskError("f", new Error(long));
  assert.ok(e.message.length < 3000);
  assert.is((e.rootCause as Error).message, long);
});

test.run();
