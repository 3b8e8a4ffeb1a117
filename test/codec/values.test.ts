import { test } from "uvu";
import * as assert from "uvu/assert";
import { roundTrip } from "./harness.js";

test("a small plain object round-trips with its keys in order", () => {
  const value = { a: 1, b: "x", c: [1, 2, 3] };
  const back = roundTrip(value);
  assert.equal(back, value);
  assert.equal(Object.keys(back), ["a", "b", "c"]);
  assert.is(Object.getPrototypeOf(back), Object.prototype);
});

test("strings round-trip, including empty, non-Latin, emoji and very long ones", () => {
  for (const s of ["", "héllo", "日本語", "👍🏽 mixed ascii", "x".repeat(100_000)]) assert.is(roundTrip(s), s);
});

test("integers of every msgpack width keep their value and stay numbers", () => {
  const values = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2];
  const back = roundTrip(values);
  assert.equal(back, values);
  for (const n of back) assert.type(n, "number");
});

test("floats keep every bit, including the smallest and largest doubles", () => {
  const values = [0.1, -2.5, Math.PI, Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON, 1e-300];
  assert.equal(roundTrip(values), values);
});

test("NaN, Infinity and -Infinity round-trip", () => {
  const [nan, inf, minf] = roundTrip([NaN, Infinity, -Infinity]);
  assert.ok(Number.isNaN(nan));
  assert.is(inf, Infinity);
  assert.is(minf, -Infinity);
});

test("negative zero stays negative zero at the top level", () => {
  assert.ok(Object.is(roundTrip(-0), -0));
  assert.ok(Object.is(roundTrip(0), 0));
});

test("negative zero stays negative zero inside arrays, objects and Map values", () => {
  const back = roundTrip({ list: [1, -0, 0], nested: { z: -0 }, map: new Map([["k", -0]]) });
  assert.ok(Object.is(back.list[1], -0));
  assert.ok(Object.is(back.list[2], 0));
  assert.ok(Object.is(back.nested.z, -0));
  assert.ok(Object.is(back.map.get("k"), -0));
});

test("negative zero in a cyclic value keeps both the sign and the cycle", () => {
  const value: { z: number; self?: unknown } = { z: -0 };
  value.self = value;
  const back = roundTrip(value);
  assert.ok(Object.is(back.z, -0));
  assert.is(back.self, back);
});

test("booleans and null round-trip", () => {
  assert.equal(roundTrip([true, false, null]), [true, false, null]);
});

test("undefined round-trips at the top level, in arrays and as an object property that stays present", () => {
  assert.is(roundTrip(undefined), undefined);
  assert.equal(roundTrip([undefined, 1]), [undefined, 1]);
  const back = roundTrip({ a: undefined });
  assert.ok(Object.prototype.hasOwnProperty.call(back, "a"));
  assert.is(back.a, undefined);
});

test("a holey array keeps its length and reads undefined at the holes", () => {
  // eslint-disable-next-line no-sparse-arrays
  const back = roundTrip([1, , 3, , ]);
  assert.is(back.length, 4);
  assert.equal([...back], [1, undefined, 3, undefined]);
});

test("BigInts that fit in 64 bits round-trip exactly as bigint", () => {
  const values = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 63n];
  const back = roundTrip(values);
  assert.equal(back, values);
  for (const b of back) assert.is(typeof b, "bigint");
});

test("BigInts beyond 64 bits round-trip exactly, positive and negative", () => {
  const values = [2n ** 64n, -(2n ** 64n) - 1n, 2n ** 1000n + 12345n, -(3n ** 700n), 2n ** 70000n - 1n];
  assert.equal(roundTrip(values), values);
});

test("a Map round-trips with its entries in order and keys of any type", () => {
  const objectKey = { k: 1 };
  const map = new Map<unknown, unknown>([["b", 1], [1, "one"], [objectKey, [2]], [true, null], [10n, "big"]]);
  const back = roundTrip(map);
  assert.instance(back, Map);
  assert.equal([...back.keys()], ["b", 1, { k: 1 }, true, 10n]);
  assert.equal([...back.values()], [1, "one", [2], null, "big"]);
});

test("a Map nested in an array round-trips with its entries in order", () => {
  const back = roundTrip([0, new Map([["z", 1], ["a", 2]])]);
  const map = back[1] as Map<string, number>;
  assert.instance(map, Map);
  assert.equal([...map], [["z", 1], ["a", 2]]);
});

test("a Set round-trips with its items in order", () => {
  const back = roundTrip(new Set(["c", 1, { x: 2 }]));
  assert.instance(back, Set);
  assert.equal([...back], ["c", 1, { x: 2 }]);
});

test("empty containers keep their kind", () => {
  const back = roundTrip({ o: {}, a: [], m: new Map(), s: new Set() });
  assert.equal(back.o, {});
  assert.ok(Array.isArray(back.a) && back.a.length === 0);
  assert.instance(back.m, Map);
  assert.instance(back.s, Set);
});

test("a Map with more than 65535 entries round-trips", () => {
  const map = new Map<number, number>();
  for (let i = 0; i < 70_000; i++) map.set(i, i * 2);
  const back = roundTrip(map);
  assert.is(back.size, 70_000);
  assert.is(back.get(69_999), 139_998);
});

test("Dates keep their millisecond time, before 1970 and far in the future too", () => {
  for (const t of [0, 1_700_000_000_123, -1, -86_400_000_123, 8.64e15, -8.64e15]) {
    const back = roundTrip(new Date(t));
    assert.instance(back, Date);
    assert.is(back.getTime(), t);
  }
});

test("an invalid Date stays invalid", () => {
  const back = roundTrip(new Date(Number.NaN));
  assert.instance(back, Date);
  assert.ok(Number.isNaN(back.getTime()));
});

test("a RegExp keeps its source and flags", () => {
  const back = roundTrip(/a+\/b(c)?/gimsuy);
  assert.instance(back, RegExp);
  assert.is(back.source, "a+\\/b(c)?");
  assert.is(back.flags, "gimsuy");
});

test("a null-prototype object is accepted and its own properties arrive", () => {
  const value = Object.create(null) as Record<string, unknown>;
  value.x = 1;
  value.nested = { y: [2] };
  const back = roundTrip(value);
  assert.equal({ ...back }, { x: 1, nested: { y: [2] } });
});

test("a value with hundreds of distinct object shapes round-trips", () => {
  const value = Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: i, common: i, [`z${i % 7}`]: [i] }));
  assert.equal(roundTrip(value), value);
});

test("keys that look like numbers or are not identifiers keep their spelling", () => {
  const value = { "1": "a", "": "empty", "a b": 2, "0x10": 3 };
  assert.equal(roundTrip(value), value);
});

test("a value with an own __proto__ key cannot change the decoded object's prototype", () => {
  const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
  const back = roundTrip(value);
  assert.is(Object.getPrototypeOf(back), Object.prototype);
  assert.is((back as { polluted?: unknown }).polluted, undefined);
  assert.is(({} as { polluted?: unknown }).polluted, undefined);
  assert.is(back.a, 1);
});

test("symbol-keyed and non-enumerable properties are left out, as in structured clone", () => {
  const value: Record<string | symbol, unknown> = { a: 1, [Symbol("s")]: 2 };
  Object.defineProperty(value, "hidden", { value: 3, enumerable: false });
  assert.equal(Reflect.ownKeys(roundTrip(value)), ["a"]);
});

test.run();
