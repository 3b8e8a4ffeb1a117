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
  // The cause is the module's own error, its stack pointing into the module.
  assert.match(String((e.cause as Error).stack), "remote-fns/worker-import-failure.js");
});

test.run();
