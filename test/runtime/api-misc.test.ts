import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import * as stubs from "tsray/stubs";
import { add, stubsInWorker } from "./remote-fns/basic.js";
import { rejection, thrown } from "./helpers.js";

function plain(x: number): number {
  return x;
}

test("calling .remote before init fails with NotInitializedError", () => {
  thrown(() => add.remote(1, 2), ray.NotInitializedError);
  thrown(() => ray.put(1), ray.NotInitializedError);
});

test(".remote on a function that was never made remote raises NotTransformedError", () => {
  const e = thrown(() => (plain as unknown as { remote: () => void }).remote(), ray.NotTransformedError);
  assert.match(e.message, "plain");
  // The whole tsconfig entry, as the README gives it: one line serves tspc and the editor.
  assert.match(e.message, '{ "transform": "@tsray/transformer", "transformProgram": true, "name": "@tsray/transformer" }');
});

test("assigning a remote member on an ordinary function still works", () => {
  const f = (() => 1) as unknown as { remote: number };
  f.remote = 5;
  assert.is(f.remote, 5);
});

test("ray.remote returns the target itself, with non-enumerable remote and options", () => {
  assert.is(typeof add, "function");
  assert.equal(Object.keys(add), []);
  assert.is(typeof add.remote, "function");
  assert.is(typeof add.options, "function");
});

test("tsray/stubs: inWorker is false in the driver and true in worker threads", async () => {
  assert.is(stubs.inWorker, false);
  await ray.init({ numCpus: 1 });
  try {
    assert.is(await ray.get(stubsInWorker.remote()), true);
  } finally {
    await ray.shutdown();
  }
});

test("tsray/stubs: skipped destructures into more of itself, is not a thenable, and iterates finitely", async () => {
  const { a, b: [c, d] } = stubs.skipped as { a: unknown; b: unknown[] };
  assert.is(a, stubs.skipped);
  assert.is(c, stubs.skipped);
  assert.is(d, stubs.skipped);
  const [, ...rest] = stubs.skipped as unknown[];
  assert.ok(rest.length > 0 && rest.every((x) => x === stubs.skipped));
  assert.is(await Promise.resolve(stubs.skipped), stubs.skipped);
});

test("init rejects unknown options and an address it cannot join", async () => {
  await rejection(() => ray.init({ numCpu: 2 } as ray.InitOptions), ray.InvalidArgumentError);
  await rejection(() => ray.init({ address: "10.0.0.5:6380" }), ray.InvalidArgumentError);
  // Nothing listens on port 1 of this machine.
  await rejection(() => ray.init({ address: "ws://127.0.0.1:1" }), ray.ConnectionClosedError);
  assert.is(ray.isInitialized(), false);
});

test("init twice fails unless ignoreReinitError, and init works again after shutdown", async () => {
  await ray.init({ numCpus: 1 });
  try {
    await rejection(() => ray.init({ numCpus: 1 }), ray.InvalidArgumentError);
    await ray.init({ ignoreReinitError: true });
    assert.is(await ray.get(add.remote(1, 1)), 2);
  } finally {
    await ray.shutdown();
  }
  await ray.init({ numCpus: 1 });
  assert.is(await ray.get(add.remote(2, 2)), 4);
  await ray.shutdown();
});

test("a ref kept from before shutdown never names an object of a later runtime", async () => {
  await ray.init({ numCpus: 1 });
  const old = ray.put("first runtime");
  await ray.shutdown();
  await ray.init({ numCpus: 1 });
  const fresh = ray.put("second runtime");
  try {
    assert.is.not(fresh.id, old.id);
    // Ready at once, as an object whose owner is gone (stale-refs.test.ts), never as the later object.
    const [ready] = await ray.wait([old], { timeout: 0 });
    assert.equal(ready, [old]);
    await rejection(ray.get(old), ray.OwnerDiedError);
  } finally {
    await ray.shutdown();
  }
});

test("a get pending at shutdown is rejected instead of hanging", async () => {
  await ray.init({ numCpus: 1 });
  const failed = rejection(ray.get(new ray.ObjectRef<number>("never-produced")), ray.TsrayError);
  await ray.shutdown();
  assert.is((await failed).code, "TSRAY_RUNTIME");
});

test.run();
