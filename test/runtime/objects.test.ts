import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { rejection, thrown } from "./helpers.js";
import { add, fail, waitForFile } from "./remote-fns/basic.js";

const dir = mkdtempSync(join(tmpdir(), "tsray-objects-"));
let files = 0;
/** A task that finishes only once the test calls `release()`. */
function gated(value: number): { ref: ray.ObjectRef<number>; release: () => void } {
  const path = join(dir, `gate-${++files}`);
  return { ref: waitForFile.options({ numCpus: 0 }).remote(path, value), release: () => writeFileSync(path, "") };
}

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  await ray.shutdown();
});

test("put returns a ref synchronously and get returns the value", async () => {
  const ref = ray.put({ a: [1, 2, 3] });
  assert.instance(ref, ray.ObjectRef);
  assert.equal(await ray.get(ref), { a: [1, 2, 3] });
});

test("put stores a copy: later changes to the value are not seen", async () => {
  const value = { n: 1 };
  const ref = ray.put(value);
  value.n = 2;
  assert.equal(await ray.get(ref), { n: 1 });
});

test("get of a list keeps list order", async () => {
  const refs = [add.remote(1, 0), ray.put("x"), add.remote(2, 0)] as const;
  const values = await ray.get(refs);
  assert.equal(values, [1, "x", 2]);
});

test("get of an empty list is an empty list", async () => {
  assert.equal(await ray.get([]), []);
});

test("get of a list fails as soon as one ref holds an error, without waiting for the rest", async () => {
  const slow = gated(1);
  try {
    await ray.get([slow.ref, fail.remote("early")]);
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.instance(e, ray.TaskError);
    assert.is((e as ray.TaskError).taskName, "fail");
  } finally {
    slow.release();
  }
  assert.is(await ray.get(slow.ref), 1);
});

test("get with a timeout throws GetTimeoutError when the value is not ready", async () => {
  const slow = gated(1);
  try {
    await ray.get(slow.ref, { timeout: 0.05 });
    assert.unreachable("should have timed out");
  } catch (e) {
    assert.instance(e, ray.GetTimeoutError);
    assert.is((e as ray.GetTimeoutError).code, "TSRAY_GET_TIMEOUT");
  } finally {
    slow.release();
  }
  assert.is(await ray.get(slow.ref, { timeout: 60 }), 1);
});

test("get rejects a negative timeout and things that are not refs", async () => {
  await rejection(() => ray.get(ray.put(1), { timeout: -1 }), ray.InvalidArgumentError);
  await rejection(() => ray.get([1 as unknown as ray.ObjectRef<number>]), ray.InvalidArgumentError);
});

test("get rejects unknown option keys as wait does, suggesting the right spelling", async () => {
  const ref = ray.put(1);
  const unknown = await rejection(() => ray.get(ref, { timeot: 1 } as ray.GetOptions), ray.InvalidArgumentError);
  assert.match(unknown.message, 'Unknown option "timeot" for ray.get()');
  const misspelt = await rejection(() => ray.get([ref], { Timeout: 1 } as ray.GetOptions), ray.InvalidArgumentError);
  assert.match(misspelt.message, 'did you mean "timeout"');
  await rejection(() => ray.get(ref, 5 as ray.GetOptions), ray.InvalidArgumentError);
});

test("wait returns ready refs in input order and the rest as not ready", async () => {
  const slow = gated(0);
  const a = ray.put(1);
  const b = ray.put(2);
  await ray.get([a, b]);
  const [ready, notReady] = await ray.wait([b, slow.ref, a], { numReturns: 2 });
  assert.equal(ready, [b, a]);
  assert.equal(notReady, [slow.ref]);
  slow.release();
});

test("wait returns at most numReturns ready refs", async () => {
  const refs = [ray.put(1), ray.put(2), ray.put(3)];
  const [ready, notReady] = await ray.wait(refs, { numReturns: 1 });
  assert.equal(ready, [refs[0]]);
  assert.equal(notReady, [refs[1], refs[2]]);
});

test("wait with an empty list returns two empty lists", async () => {
  assert.equal(await ray.wait([]), [[], []]);
});

test("wait counts a failed task as ready and does not throw", async () => {
  const failed = fail.remote("x");
  const [ready] = await ray.wait([failed], { timeout: 60 });
  assert.equal(ready, [failed]);
});

test("wait returns what is ready when the timeout passes", async () => {
  const slow = gated(0);
  const done = ray.put(1);
  const [ready, notReady] = await ray.wait([slow.ref, done], { numReturns: 2, timeout: 0.05 });
  assert.equal(ready, [done]);
  assert.equal(notReady, [slow.ref]);
  slow.release();
});

test("wait with timeout 0 returns at once", async () => {
  const slow = gated(0);
  const [ready, notReady] = await ray.wait([slow.ref], { timeout: 0 });
  assert.equal(ready, []);
  assert.equal(notReady, [slow.ref]);
  slow.release();
});

test("wait accepts fetchLocal", async () => {
  const r = ray.put(1);
  const [ready] = await ray.wait([r], { fetchLocal: true });
  assert.equal(ready, [r]);
});

test("wait rejects numReturns out of range, duplicate refs and a negative timeout", async () => {
  const a = ray.put(1);
  const b = ray.put(2);
  await rejection(() => ray.wait([a, b], { numReturns: 3 }), ray.InvalidArgumentError);
  await rejection(() => ray.wait([a], { numReturns: 0 }), ray.InvalidArgumentError);
  await rejection(() => ray.wait([a, a]), ray.InvalidArgumentError);
  await rejection(() => ray.wait([a], { timeout: -1 }), ray.InvalidArgumentError);
});

test("a value that cannot be serialized throws SerializationError naming the argument", () => {
  try {
    add.remote(1, (() => 1) as unknown as number);
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.instance(e, ray.SerializationError);
    assert.match((e as ray.SerializationError).location, "argument 2 of add");
  }
});

test.run();
