// `npm test` compiles with tspc and runs the compiled *.test.js files with node:test.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as ray from "tsray";
import { square, Tally } from "./pipeline.js";

before(() => ray.init());
after(() => ray.shutdown());

test("square stays callable as a plain function", () => {
  assert.equal(square(5), 25);
});

test("square runs as a task", async () => {
  assert.deepEqual(await ray.get([square.remote(2), square.remote(3)]), [4, 9]);
});

test("a Tally actor keeps its sum across calls", async () => {
  const tally = Tally.remote();
  tally.add.remote(2);
  tally.add.remote(5);
  assert.equal(await ray.get(tally.total.remote()), 7);
});
