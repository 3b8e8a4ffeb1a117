import { test } from "uvu";
import * as assert from "uvu/assert";
import { roundTrip } from "./harness.js";

test("an object that contains itself round-trips as a cycle", () => {
  const value: Record<string, unknown> = { name: "root" };
  value.self = value;
  const back = roundTrip(value);
  assert.is(back.self, back);
  assert.is(back.name, "root");
});

test("an array that contains itself round-trips as a cycle", () => {
  const value: unknown[] = [1];
  value.push(value);
  const back = roundTrip(value);
  assert.is(back[1], back);
});

test("a Map that holds itself as a value round-trips as a cycle", () => {
  const map = new Map<string, unknown>();
  map.set("me", map);
  const back = roundTrip(map);
  assert.is(back.get("me"), back);
});

test("an object reached twice arrives as one shared object", () => {
  const shared = { n: 1 };
  const back = roundTrip({ a: shared, b: [shared], c: new Map([["k", shared]]) });
  assert.is(back.a, back.b[0]);
  assert.is(back.a, back.c.get("k"));
});

test("a large graph in which thousands of objects point back at the root round-trips", () => {
  const root: { items: Array<{ i: number; root: unknown }> } = { items: [] };
  for (let i = 0; i < 5_000; i++) root.items.push({ i, root });
  const back = roundTrip(root);
  assert.is(back.items.length, 5_000);
  assert.is(back.items[4_999]!.root, back);
  assert.is(back.items[123]!.i, 123);
});

test("a deep chain of doubly shared arrays is encoded in linear time, not exponential", () => {
  // 2^60 paths, 61 distinct arrays: a walk without a visited set would never end.
  let node: unknown[] = [];
  for (let i = 0; i < 60; i++) node = [node, node];
  const started = Date.now();
  const back = roundTrip(node);
  assert.ok(Date.now() - started < 5_000, "took too long");
  assert.is(back[0], back[1]);
});

test.run();
