import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import * as ray from "tsray";
import { echoWithDecoder, nativeStringDecoding } from "./remote-fns/codec-probe.js";
import { unloadable } from "./remote-fns/worker-import-failure.js";
import { rejection } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

/** Whether msgpackr can use its native string extractor in this process (an optional dependency). */
function extractorAvailable(): boolean {
  if (process.env["MSGPACKR_NATIVE_ACCELERATION_DISABLED"]?.toLowerCase() === "true") return false;
  try {
    createRequire(import.meta.url)("msgpackr-extract");
    return true;
  } catch {
    return false;
  }
}

test("a worker thread decodes string-heavy values in JS, without msgpackr's native extractor", async () => {
  const value = Array.from({ length: 3000 }, (_, i) => ({
    name: `user-${i}`,
    note: "é".repeat(i % 70) + "✓".repeat(i % 5) + "x".repeat(i % 300),
    tags: [String(i), "😀".repeat(i % 3)],
  }));
  const out = await ray.get(echoWithDecoder.remote(value));
  assert.is(out.native, false);
  assert.equal(out.value, value);
});

test("the driver decodes with the native extractor where msgpackr-extract is installed", () => {
  assert.is(nativeStringDecoding(), extractorAvailable());
});

test("a remote module that failed to import while a thread started gives its import error on first use", async () => {
  const e = await rejection(ray.get(unloadable.remote()), ray.TaskError);
  assert.match(e.message, "worker-import-failure refuses to load in a worker thread");
  // The cause says which module failed to load; its cause is the module's own error, its stack pointing into the module.
  assert.instance(e.cause, ray.ModuleLoadError);
  const load = e.cause as ray.ModuleLoadError;
  assert.ok(load.moduleUrl.endsWith("remote-fns/worker-import-failure.js"), load.moduleUrl);
  assert.match(load.message, /failed to load in a tsray worker.*Not retried/s);
  assert.match(String((load.cause as Error).stack), "remote-fns/worker-import-failure.js");
});

test("a remote module that fails to load is not retried, even with retryExceptions: true", async () => {
  const e = await rejection(ray.get(unloadable.options({ retryExceptions: true, maxRetries: 2 }).remote()), ray.TaskError);
  assert.instance(e.cause, ray.ModuleLoadError);
  assert.not.match(e.message, "maxRetries");
});

test.run();
