// A task's error reads from the user's code down: tsray's own frames come after the user's.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import type * as FramesModule from "../../runtime/dist/common/user-frames-first.js";
import { fail, putsAFunction } from "./remote-fns/basic.js";
import { rejection } from "./helpers.js";

// Compiled to test/dist/runtime/: the runtime's dist is three levels up (as memory-store.test.ts does).
const runtimeDist = new URL("../../../runtime/dist/", import.meta.url).href;
const { userFramesFirstInStack }: typeof FramesModule = await import(`${runtimeDist}common/user-frames-first.js`);

const firstFrame = (stack: string | undefined): string => String(stack).split("\n").find((l) => /^\s+at /.test(l)) ?? "";

test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

test("an error tsray throws inside a task shows the user's function first, then tsray's frames", async () => {
  const e = await rejection(ray.get(putsAFunction.remote()), ray.TaskError);
  const stack = String((e.cause as Error).stack);
  assert.match(firstFrame(stack), /putsAFunction .*remote-fns\/basic\.js/);
  // Nothing is dropped: the runtime's frames follow.
  assert.match(stack, `${runtimeDist}codec/`);
});

test("an error the user's code throws still starts at the user's frame", async () => {
  const e = await rejection(ray.get(fail.remote("boom")), ray.TaskError);
  assert.match(firstFrame((e.cause as Error).stack), /fail .*remote-fns\/basic\.js/);
});

test("reordering keeps the header and every frame, the user's in their order", () => {
  const stack = [
    "Error: multi",
    "line message",
    `    at inner (${runtimeDist}codec/codec.js:1:1)`,
    "    at userA (file:///app/a.js:1:1)",
    "    at AsyncLocalStorage.run (node:async_hooks:346:14)",
    "    at userB (file:///app/b.js:2:2)",
  ].join("\n");
  assert.is(
    userFramesFirstInStack(stack),
    [
      "Error: multi",
      "line message",
      "    at userA (file:///app/a.js:1:1)",
      "    at userB (file:///app/b.js:2:2)",
      `    at inner (${runtimeDist}codec/codec.js:1:1)`,
      "    at AsyncLocalStorage.run (node:async_hooks:346:14)",
    ].join("\n"),
  );
});

test("a stack with no user frame is left as it is", () => {
  const stack = `Error: x\n    at inner (${runtimeDist}codec/codec.js:1:1)\n    at node:internal/x:1:1`;
  assert.is(userFramesFirstInStack(stack), stack);
});

test.run();
