import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { codecModule, roundTrip } from "./harness.js";

const { toWireError, fromWireError } = codecModule;

test("a TypeError inside a value arrives as a TypeError with its message and the original stack", () => {
  const original = new TypeError("x is not a function");
  const back = roundTrip({ failure: original }).failure;
  assert.instance(back, TypeError);
  assert.is(back.name, "TypeError");
  assert.is(back.message, "x is not a function");
  assert.is(back.stack, original.stack);
});

test("each built-in error class is rebuilt by name", () => {
  for (const Cls of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
    const back = roundTrip(new Cls("m"));
    assert.is(Object.getPrototypeOf(back), Cls.prototype, Cls.name);
    assert.is(back.message, "m");
  }
});

test("a user error class arrives as an Error whose name and own fields are kept", () => {
  class ValidationError extends Error {
    override name = "ValidationError";
    readonly field = "email";
    readonly details = { max: 3 };
  }
  const back = roundTrip(new ValidationError("bad email")) as Error & { field?: string; details?: unknown };
  assert.instance(back, Error);
  assert.is(back.name, "ValidationError");
  assert.is(back.message, "bad email");
  assert.is(back.field, "email");
  assert.equal(back.details, { max: 3 });
});

test("a string code such as ENOENT is kept", () => {
  const error = Object.assign(new Error("no such file"), { code: "ENOENT", errno: -2, path: "/x" });
  const back = roundTrip(error) as Error & { code?: string; errno?: number; path?: string };
  assert.is(back.code, "ENOENT");
  assert.is(back.errno, -2);
  assert.is(back.path, "/x");
});

test("a TaskError arrives as a TaskError with its task name, code and rebuilt cause", () => {
  const cause = new RangeError("x must be positive");
  const back = roundTrip(new ray.TaskError("sqrt", cause));
  assert.instance(back, ray.TaskError);
  assert.instance(back, Error);
  assert.is(back.taskName, "sqrt");
  assert.is(back.code, "TSRAY_TASK_ERROR");
  assert.is(back.name, "TaskError");
  assert.is(back.message, "Task sqrt failed: RangeError: x must be positive");
  assert.instance(back.cause, RangeError);
  assert.is((back.cause as Error).stack, cause.stack);
});

test("a chain of TaskErrors through nested tasks keeps every link", () => {
  const root = new TypeError("deep failure");
  const chain = new ray.TaskError("outer", new ray.TaskError("middle", new ray.TaskError("inner", root)));
  const back = roundTrip(chain);
  const middle = back.cause as ray.TaskError;
  const inner = middle.cause as ray.TaskError;
  assert.instance(middle, ray.TaskError);
  assert.instance(inner, ray.TaskError);
  assert.equal([back.taskName, middle.taskName, inner.taskName], ["outer", "middle", "inner"]);
  assert.instance(inner.cause, TypeError);
  assert.is((inner.cause as Error).message, "deep failure");
});

test("every tsray error class arrives as an instance of itself with its fields", () => {
  const cases: Array<[Error, Record<string, unknown>]> = [
    [new ray.ActorDiedError("a1", "gone"), { actorId: "a1", code: "TSRAY_ACTOR_DIED" }],
    [new ray.WorkerCrashedError("crash"), { code: "TSRAY_WORKER_CRASHED" }],
    [new ray.NodeDiedError("n1", "gone"), { nodeId: "n1", code: "TSRAY_NODE_DIED" }],
    [new ray.ObjectLostError("o1", "lost"), { objectId: "o1", code: "TSRAY_OBJECT_LOST" }],
    [new ray.TaskCancelledError("add"), { taskName: "add", code: "TSRAY_TASK_CANCELLED" }],
    [new ray.GetTimeoutError(0.5), { timeoutSeconds: 0.5, code: "TSRAY_GET_TIMEOUT" }],
    [new ray.OutOfMemoryError("oom"), { code: "TSRAY_OUT_OF_MEMORY" }],
    [new ray.SerializationError("argument 1 of add", "no"), { location: "argument 1 of add", code: "TSRAY_SERIALIZATION" }],
  ];
  for (const [error, fields] of cases) {
    const back = roundTrip(error) as Error & Record<string, unknown>;
    assert.is(Object.getPrototypeOf(back), Object.getPrototypeOf(error), error.name);
    assert.is(back.name, error.name);
    assert.is(back.message, error.message);
    assert.is(back.stack, error.stack);
    for (const [key, value] of Object.entries(fields)) assert.is(back[key], value, `${error.name}.${key}`);
  }
});

test("an ActorDiedError keeps the constructor error given as its cause", () => {
  const back = roundTrip(new ray.ActorDiedError("a2", "constructor threw", { cause: new Error("bad config") }));
  assert.instance(back, ray.ActorDiedError);
  assert.is((back.cause as Error).message, "bad config");
});

test("a user class named like a tsray error is not rebuilt as the tsray class", () => {
  class TaskError extends Error {
    override name = "TaskError";
  }
  const back = roundTrip(new TaskError("mine"));
  assert.not.instance(back, ray.TaskError);
  assert.is(back.name, "TaskError");
});

test("a cause that is not an error is kept as a value", () => {
  const back = roundTrip(new Error("wrapped", { cause: { status: 503, retry: [1, 2] } }));
  assert.equal(back.cause, { status: 503, retry: [1, 2] });
});

test("an AggregateError keeps its errors", () => {
  const back = roundTrip(new AggregateError([new TypeError("one"), "two"], "both failed"));
  assert.instance(back, AggregateError);
  assert.is(back.message, "both failed");
  assert.instance(back.errors[0], TypeError);
  assert.is(back.errors[1], "two");
});

test("a property that cannot be sent is replaced by a note, and the error still arrives", () => {
  class Socket {}
  const error = Object.assign(new Error("request failed"), { request: new Socket(), retry: () => 1, status: 500 });
  const back = roundTrip(error) as Error & { request?: unknown; retry?: unknown; status?: number };
  assert.is(back.message, "request failed");
  assert.is(back.status, 500);
  assert.match(String(back.request), "instance of class Socket");
  assert.match(String(back.retry), "function");
});

test("an error whose cause chain loops back to itself does not hang", () => {
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  Object.defineProperty(a, "cause", { value: b, enumerable: false, configurable: true, writable: true });
  const back = roundTrip(a);
  assert.is((back.cause as Error).message, "b");
  assert.match(String((back.cause as Error).cause), "circular");
});

test("an error with a property that points back at the error round-trips without looping", () => {
  const error = new Error("self-referencing") as Error & { self?: unknown };
  error.self = error;
  const back = roundTrip({ error, again: error });
  assert.instance(back.error, Error);
  assert.is(back.error.message, "self-referencing");
  assert.is(back.again, back.error);
  assert.match(String(back.error.self), "reference back to an error");
});

test("an error without a stack gets a stack that says none was sent", () => {
  const back = fromWireError({ name: "RangeError", message: "m" });
  assert.instance(back, RangeError);
  assert.match(back.stack ?? "", /^RangeError: m\n/);
});

test("toWireError gives plain data that survives structuredClone and rebuilds the same error", () => {
  const original = new ray.TaskError("f", new TypeError("inner"));
  const wire = structuredClone(toWireError(original));
  const back = fromWireError(wire);
  assert.instance(back, ray.TaskError);
  assert.is((back as ray.TaskError).taskName, "f");
  assert.instance(back.cause, TypeError);
  assert.is(back.stack, original.stack);
});

test("toWireError of a thrown non-Error value describes it in the message and keeps it", () => {
  const wire = toWireError("just a string");
  assert.is(wire.name, "Error");
  assert.match(wire.message, '"just a string"');
  const back = fromWireError(wire) as Error & { thrownValue?: unknown };
  assert.instance(back, Error);
  assert.is(back.thrownValue, "just a string");
});

test("an error property named __proto__ stays a property of the wire form", () => {
  const error = new Error("odd");
  Object.defineProperty(error, "__proto__", { value: { x: 1 }, enumerable: true, configurable: true, writable: true });
  const wire = toWireError(error);
  assert.is(Object.getPrototypeOf(wire.props), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(wire.props, "__proto__")?.value, { x: 1 });
});

test("toWireError never throws, even when the error's getters do", () => {
  const hostile = new Error("hostile");
  Object.defineProperty(hostile, "message", { get: () => { throw new Error("no message for you"); } });
  Object.defineProperty(hostile, "extra", { enumerable: true, get: () => { throw new Error("nope"); } });
  const wire = toWireError(hostile);
  assert.match(wire.message, "no message for you");
  assert.match(String(wire.props?.extra), "nope");
});

test.run();
