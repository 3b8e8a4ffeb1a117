// Exact values through the runtime's put/get and task paths: sparse arrays
// and unusual keys round-trip, values that cannot be sent are a
// SerializationError where they are sent (never an abort, a hang or a dead
// worker), and a deep result is refused by the worker that encodes it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { codecModule } from "../codec/harness.js";
import { rejection, thrown } from "./helpers.js";
import { echo } from "./remote-fns/basic.js";
import { deepResult, nested, putRevokedInTask, revokedItself, revokedResult, whichThread } from "./remote-fns/exact-values.js";

const LIMIT = codecModule.MAX_NESTING_DEPTH;

test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

test("put and get of an array of length 2 ** 28 with one entry give it back without walking the holes", async () => {
  const sparse: unknown[] = [];
  sparse.length = 2 ** 28;
  sparse[2 ** 28 - 1] = "last";
  const back = (await ray.get(ray.put(sparse))) as unknown[];
  assert.is(back.length, 2 ** 28);
  assert.equal(Object.keys(back), [String(2 ** 28 - 1)]);
});

test("a task gets and returns a sparse array of length 2 ** 32 - 1 and a __proto__ key exactly", async () => {
  const sparse: unknown[] = [];
  sparse.length = 2 ** 32 - 1;
  sparse[7] = 7;
  const value = { sparse, odd: JSON.parse('{"__proto_": 1, "__proto__": 2}') as object };
  const back = (await ray.get(echo.remote(value))) as typeof value & { sparse: unknown[] };
  assert.is(back.sparse.length, 2 ** 32 - 1);
  assert.equal(Object.keys(back.sparse), ["7"]);
  assert.equal(Object.keys(back.odd), ["__proto_", "__proto__"]);
  assert.is(Object.getPrototypeOf(back.odd), Object.prototype);
});

test("put of a revoked Proxy is a SerializationError naming the path", () => {
  const error = thrown(() => ray.put({ foo: revoked() }), ray.SerializationError);
  assert.match(error.message, "value.foo is a Proxy that threw when read");
});

test("a revoked Proxy as an argument is a SerializationError naming the argument", () => {
  const error = thrown(() => echo.remote(revoked()), ray.SerializationError);
  assert.match(error.message, "argument 1 of echo");
  const nestedError = thrown(() => echo.remote({ foo: revoked() }), ray.SerializationError);
  assert.match(nestedError.message, "argument 1 of echo: value.foo is a Proxy");
});

test("a worker whose put or result meets a revoked Proxy reports a SerializationError and keeps running", async () => {
  const thread = await ray.get(whichThread.remote());
  assert.match(await ray.get(putRevokedInTask.remote()), /^SerializationError: .*value\.foo is a Proxy that threw when read/);
  const error = await rejection(ray.get(revokedResult.remote()), ray.TaskError);
  assert.match(error.message, "SerializationError: Cannot serialize the return value of revokedResult: value.inner is a Proxy that threw when read");
  assert.is(await ray.get(whichThread.remote()), thread, "the worker thread was replaced");
});

test("a task that returns a revoked Proxy itself fails with a SerializationError and its thread keeps running", async () => {
  const thread = await ray.get(whichThread.remote());
  const error = await rejection(ray.get(revokedItself.remote()), ray.TaskError);
  assert.match(error.message, "SerializationError: Cannot serialize the return value of revokedItself: value is a Proxy that threw when read");
  assert.is(await ray.get(whichThread.remote()), thread, "the worker thread was replaced");
});

test("a result nested as deep as the limit reaches the driver", async () => {
  const back = await ray.get(deepResult.remote(LIMIT));
  assert.equal(back, nested(LIMIT));
});

test("a result one level deeper is refused by the worker with the limit, not lost as damaged bytes", async () => {
  const error = await rejection(ray.get(deepResult.remote(LIMIT + 1)), ray.TaskError);
  assert.match(error.message, `SerializationError: Cannot serialize the return value of deepResult: value${".a".repeat(LIMIT)} is nested too deeply: more than ${LIMIT} levels`);
});

test.run();
