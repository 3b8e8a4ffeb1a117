import { test } from "uvu";
import * as assert from "uvu/assert";
import { runFixture } from "./child-process.js";

test("after ray.shutdown() the process exits on its own", async () => {
  const run = await runFixture("exit-program.mjs");
  assert.is(run.signal, null, "the program had to be killed: something kept it alive after shutdown");
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, "result 3,7,5");
});

test.run();
