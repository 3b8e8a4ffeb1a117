import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";

test("every exported error class is an Error with a stable code", () => {
  const cases: Array<[Error & { code: string }, string]> = [
    [new ray.TaskError("add", new RangeError("bad")), "TSRAY_TASK_ERROR"],
    [new ray.ActorDiedError("a1", "gone"), "TSRAY_ACTOR_DIED"],
    [new ray.WorkerCrashedError("crash"), "TSRAY_WORKER_CRASHED"],
    [new ray.NodeDiedError("n1", "gone"), "TSRAY_NODE_DIED"],
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

test.run();
