import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { echo, fail, waitForFile } from "./remote-fns/basic.js";
import { rejection, until } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tsray-progress-"));
let gateCount = 0;
const gate = () => join(dir, `gate-${gateCount++}`);

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 80, writes, write: (t: string) => writes.push(t), get text() { return writes.join(""); } };
}

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "progress-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

test("progress returns the values in the order of the refs, as ray.get does", async () => {
  const refs = [1, 2, 3, 4].map((x) => echo.remote(x));
  const values = await ray.progress(refs, { stream: fakeStream(false) });
  assert.equal(values, [1, 2, 3, 4]);
});

test("on a TTY the bar is redrawn in place as refs finish and ends with a newline", async () => {
  const stream = fakeStream(true);
  const gates = [gate(), gate()];
  const refs = [waitForFile.options({ numCpus: 0 }).remote(gates[0]!, 10), waitForFile.options({ numCpus: 0 }).remote(gates[1]!, 20)];
  const result = ray.progress(refs, { label: "work", stream });
  writeFileSync(gates[1]!, "");
  await until(() => stream.text.includes("1/2 50%"), "a frame showing one of two done");
  assert.not.ok(stream.text.includes("2/2"), "the first ref is not done yet");
  writeFileSync(gates[0]!, "");
  assert.equal(await result, [10, 20], "values in the order of the refs, not of finishing");
  assert.match(stream.writes[0]!, /^\rwork \[\.+\] 0\/2 0%/);
  assert.match(stream.text, /\rwork \[#+\] 2\/2 100% [\d.]+s\n$/);
  assert.not.ok(stream.text.slice(0, -1).includes("\n"), "one line, redrawn with \\r");
});

test("on a TTY many quick results redraw the bar about once per 100 ms, not once per result", async () => {
  const stream = fakeStream(true);
  const started = Date.now();
  const refs = Array.from({ length: 200 }, (_, i) => echo.remote(i));
  await ray.progress(refs, { stream });
  const frames = stream.writes.filter((w) => w.startsWith("\r")).length;
  assert.ok(frames <= 2 + (Date.now() - started) / 100, `${frames} frames`);
  assert.match(stream.text, /200\/200 100%/);
});

test("off a TTY it writes a plain line each time another `every` percent is done", async () => {
  const stream = fakeStream(false);
  const refs = Array.from({ length: 4 }, (_, i) => echo.remote(i));
  await ray.progress(refs, { label: "items", stream, every: 50 });
  const lines = stream.text.split("\n").filter((l) => l !== "");
  assert.ok(lines.every((l) => /^items: \d\/4 \d+% [\d.]+s$/.test(l)), stream.text);
  assert.ok(lines[0]!.startsWith("items: 0/4"));
  assert.ok(lines.at(-1)!.startsWith("items: 4/4 100%"));
  assert.ok(lines.length <= 3, "at most one line per 50% step (0, 50, 100)");
  assert.not.ok(stream.text.includes("\r"));
});

test("off a TTY with every: 0 it writes nothing", async () => {
  const stream = fakeStream(false);
  assert.equal(await ray.progress([echo.remote(1)], { stream, every: 0 }), [1]);
  assert.is(stream.text, "");
});

test("a ref given twice yields its value twice", async () => {
  const r = echo.remote("x");
  assert.equal(await ray.progress([r, echo.remote("y"), r], { stream: fakeStream(false) }), ["x", "y", "x"]);
});

test("a failed ref rejects with its error and ends the bar's line first", async () => {
  const stream = fakeStream(true);
  const e = await rejection(ray.progress([echo.remote(1), fail.remote("boom")], { stream }), ray.TaskError);
  assert.match(e.message, /boom/);
  assert.ok(stream.text.endsWith("\n"));
});

test("an empty list resolves at once to an empty list", async () => {
  const stream = fakeStream(true);
  assert.equal(await ray.progress([], { stream }), []);
  assert.match(stream.text, /0\/0 100%/);
});

test.run();
