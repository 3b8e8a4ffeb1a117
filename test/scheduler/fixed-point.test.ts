import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";

const { toUnits, fromUnits, ResourceSet, UNITS_PER_WHOLE } = S;

test("whole and fractional amounts convert to 1e-4 units and back", () => {
  assert.is(toUnits(2, "x"), 20_000n);
  assert.is(toUnits(0.5, "x"), 5_000n);
  assert.is(toUnits(0.0001, "x"), 1n);
  assert.is(fromUnits(toUnits(1.2345, "x")), 1.2345);
  assert.is(fromUnits(toUnits(0.1, "x")), 0.1);
});

test("more precision than 1e-4 rounds to the nearest unit, halves up, as Ray's FixedPoint", () => {
  assert.is(toUnits(0.33333, "x"), 3_333n);
  assert.is(toUnits(0.66667, "x"), 6_667n);
  assert.is(toUnits(0.00025, "x"), 3n);
});

test("a non-zero amount below 1e-4 is rejected instead of rounding to nothing", () => {
  assert.throws(() => toUnits(0.00004, "numCpus of f"), (e: unknown) => e instanceof InvalidArgumentError && /0\.0001/.test(e.message));
  assert.is(toUnits(0, "x"), 0n);
});

test("negative, NaN, infinite and non-number amounts are rejected with the amount named", () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1", null]) {
    assert.throws(
      () => toUnits(bad, "numCpus of add"),
      (e: unknown) => e instanceof InvalidArgumentError && e.message.includes("numCpus of add"),
    );
  }
});

test("a terabyte of memory in bytes stays exact", () => {
  const tib = 2 ** 40;
  const units = toUnits(tib, "memory");
  assert.is(units, BigInt(tib) * UNITS_PER_WHOLE);
  assert.is(fromUnits(units), tib);
  const set = ResourceSet.of({ memory: tib });
  assert.is(set.add(ResourceSet.of({ memory: 1 })).toJSON()["memory"], tib + 1);
});

test("a million grant/release cycles of 0.1 CPU leave exactly the total free", () => {
  const total = ResourceSet.of({ CPU: 1 });
  const tenth = ResourceSet.of({ CPU: 0.1 });
  let free = total;
  for (let i = 0; i < 1_000_000; i++) {
    free = free.subtract(tenth);
    free = free.add(tenth);
  }
  assert.ok(free.equals(total));
  // The float equivalent drifts, which is why amounts are integers:
  let float = 1;
  for (let i = 0; i < 10; i++) float -= 0.1;
  assert.is.not(float, 0);
});

test("ten 0.1 CPU grants fill exactly 1 CPU and an eleventh does not fit", () => {
  let free = ResourceSet.of({ CPU: 1 });
  const tenth = ResourceSet.of({ CPU: 0.1 });
  for (let i = 0; i < 10; i++) {
    assert.ok(free.fits(tenth), `grant ${i + 1}`);
    free = free.subtract(tenth);
  }
  assert.ok(free.isEmpty());
  assert.not.ok(free.fits(tenth));
});

test.run();
