import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";

const { validateBundles, validatePlacementGroupStrategy, BundleLedger, ResourcePool, ResourceSet, bundleResourceNames } = S;
const rs = (o: Record<string, number>) => ResourceSet.of(o);

const invalid = (e: unknown) => e instanceof InvalidArgumentError;

test("bundles must be a non-empty array of non-empty resource objects", () => {
  assert.throws(() => validateBundles([]), invalid);
  assert.throws(() => validateBundles("CPU"), invalid);
  assert.throws(() => validateBundles([{}]), (e: unknown) => invalid(e) && /bundle 0 is empty/.test((e as Error).message));
  assert.throws(() => validateBundles([{ CPU: 1 }, { CPU: 0 }]), (e: unknown) => invalid(e) && /bundle 1/.test((e as Error).message));
  assert.throws(() => validateBundles([{ CPU: -1 }]), invalid);
  assert.throws(() => validateBundles([{ GPU: 1.5 }]), invalid);
  assert.equal(validateBundles([{ CPU: 1, GPU: 0.5 }, { Custom: 2 }]).map((b) => b.toJSON()), [{ CPU: 1, GPU: 0.5 }, { Custom: 2 }]);
});

test("the strategy defaults to PACK and must be one of the four", () => {
  assert.is(validatePlacementGroupStrategy(undefined), "PACK");
  assert.is(validatePlacementGroupStrategy("STRICT_SPREAD"), "STRICT_SPREAD");
  assert.throws(() => validatePlacementGroupStrategy("SPREAD_OUT"), invalid);
});

test("reserved bundle resources are unavailable to the node until the group is released", () => {
  const node = new ResourcePool(rs({ CPU: 4, GPU: 2 }));
  const ledger = new BundleLedger();
  assert.ok(ledger.reserve("pg", 0, rs({ CPU: 2, GPU: 1 }), node));
  assert.equal(node.available().toJSON(), { CPU: 2, GPU: 1 });
  assert.is(node.tryAllocate(rs({ CPU: 3 })), undefined);
  ledger.release("pg", node);
  assert.ok(node.available().equals(node.total()));
  assert.not.ok(ledger.has("pg"));
});

test("a bundle that does not fit is not reserved and changes nothing", () => {
  const node = new ResourcePool(rs({ CPU: 1 }));
  const ledger = new BundleLedger();
  assert.not.ok(ledger.reserve("pg", 0, rs({ CPU: 2 }), node));
  assert.ok(node.available().equals(node.total()));
});

test("a task in a bundle gets the GPU devices the bundle reserved", () => {
  const node = new ResourcePool(rs({ GPU: 2 }));
  node.tryAllocate(rs({ GPU: 1 })); // device 0 taken outside the group
  const ledger = new BundleLedger();
  ledger.reserve("pg", 0, rs({ GPU: 1 }), node);
  const pool = ledger.pool("pg", 0)!;
  assert.equal(pool.tryAllocate(rs({ GPU: 0.5 }))?.gpus, [{ id: 1, units: 5_000n }]);
  assert.equal(pool.tryAllocate(rs({ GPU: 0.5 }))?.gpus, [{ id: 1, units: 5_000n }]);
  assert.is(pool.tryAllocate(rs({ GPU: 0.5 })), undefined);
});

test("views list a group's bundles by index with the bundle's own totals", () => {
  const node = new ResourcePool(rs({ CPU: 4 }));
  const ledger = new BundleLedger();
  ledger.reserve("pg", 1, rs({ CPU: 2 }), node);
  ledger.reserve("pg", 0, rs({ CPU: 1 }), node);
  const views = ledger.views("pg", "n1");
  assert.equal(views.map((v) => [v.bundleIndex, v.view.nodeId, v.view.total.toJSON()]), [
    [0, "n1", { CPU: 1 }],
    [1, "n1", { CPU: 2 }],
  ]);
  assert.is(ledger.report().length, 2);
});

test("Ray's bundle resource names are available for reports", () => {
  assert.equal(bundleResourceNames("CPU", "abc", 0), ["CPU_group_0_abc", "CPU_group_abc"]);
});

test.run();
