import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "tsray/internal/scheduler";
import { harness } from "./harness.js";

test("status shows totals, free resources, pending classes and reserved bundles in user units", () => {
  const h = harness({ CPU: 2, GPU: 1 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 1 }]), "PACK");
  h.task("add1");
  h.task("add2");
  h.task("train1", { numCpus: 1, numGpus: 2 });
  const status = S.schedulerStatus(h.scheduler);
  assert.equal(status.total, { CPU: 2, GPU: 1 });
  assert.equal(status.available, { GPU: 1 });
  assert.equal(status.bundles, [{ placementGroupId: "pg1", bundleIndex: 0, total: { CPU: 1 }, available: { CPU: 1 } }]);
  assert.equal(status.pending, [
    { demand: { CPU: 1 }, strategy: "default", count: 1, names: ["add"] },
    {
      demand: { CPU: 1, GPU: 2 },
      strategy: "default",
      count: 1,
      names: ["train"],
      infeasible: { missing: { GPU: 1 }, reason: "no node has enough resources in total" },
    },
  ]);
  assert.is(JSON.parse(JSON.stringify(status)).nodeId, "local");
});

test.run();
