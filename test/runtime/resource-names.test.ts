// Custom resources whose names are also Object.prototype members (`constructor`, `toString`,
// `__proto__`) are ordinary names end to end: before, the built-in resource lookup found the
// prototype's members ("use the function Object() { [native code] } option").
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { add } from "./remote-fns/basic.js";

const names = ["constructor", "toString", "__proto__"];

/** `{ [name]: amount, … }` with each name as an own key, `__proto__` included (a literal or an assignment would set the prototype). */
const resources = (list: readonly string[], amount: number): Record<string, number> =>
  JSON.parse(`{${list.map((n) => `${JSON.stringify(n)}: ${amount}`).join(", ")}}`) as Record<string, number>;
const resource = (name: string, amount: number) => resources([name], amount);

test.before(async () => {
  await ray.init({ numCpus: 1, resources: resources(names, 2) });
});
test.after(async () => {
  await ray.shutdown();
});

test("init accepts them and the cluster reports them as its own keys", () => {
  const total = ray.clusterResources();
  for (const name of names) {
    assert.ok(Object.prototype.hasOwnProperty.call(total, name), name);
    assert.is(total[name], 2);
  }
});

test("a task asking for them runs on the node that has them", async () => {
  for (const name of names) {
    assert.is(await ray.get(add.options({ resources: resource(name, 1) }).remote(1, 2)), 3, name);
  }
});

test("a placement group reserves bundles of them", async () => {
  const pg = ray.placementGroup([resources(names, 1)]);
  try {
    assert.is(await pg.wait(60), true);
    assert.equal(pg.bundleSpecs, [resources(names, 1)]);
  } finally {
    ray.removePlacementGroup(pg);
  }
});

test("their amounts are still checked", () => {
  for (const name of names) {
    let error: unknown;
    try {
      add.options({ resources: resource(name, -1) });
    } catch (e) {
      error = e;
    }
    assert.instance(error, ray.InvalidArgumentError, name);
    assert.match((error as Error).message, `resources.${name}`);
  }
});

test.run();
