import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { makeCodec, thrown } from "./harness.js";

const { codec, log } = makeCodec();

/** The SerializationError encoding `value` at `location` throws. */
function refusal(value: unknown, location = "argument 2 of add"): ray.SerializationError {
  const error = thrown(() => codec.encode(value, location), ray.SerializationError);
  assert.is(error.code, "TSRAY_SERIALIZATION");
  assert.is(error.location, location);
  assert.ok(error.message.startsWith(`Cannot serialize ${location}: `), error.message);
  return error;
}

test("a function inside a value is refused naming the location, the path and what to do", () => {
  const error = refusal({ items: [1, 2, 3, function compute() {}] });
  assert.match(error.message, "value.items[3] is a function (compute)");
  assert.match(error.message, "Functions cannot be sent to a task; pass data, or make it a remote function");
});

test("an arrow function at the top level is refused with the path `value`", () => {
  assert.match(refusal(() => 1, "ray.put").message, "Cannot serialize ray.put: value is a function.");
});

test("a class is refused as a class, with advice about remote actor classes", () => {
  class Counter {}
  const error = refusal({ cls: Counter });
  assert.match(error.message, "value.cls is a class (Counter)");
  assert.match(error.message, "remote actor class");
});

test("a symbol is refused", () => {
  assert.match(refusal([Symbol("tag")]).message, "value[0] is a symbol (Symbol(tag)). Symbols cannot be sent");
});

test("a Promise is refused with advice to await it or send a ref", () => {
  const error = refusal({ pending: Promise.resolve(1) });
  assert.match(error.message, "value.pending is a Promise");
  assert.match(error.message, "Await it first");
});

test("a WeakMap and a WeakSet are refused", () => {
  assert.match(refusal({ cache: new WeakMap() }).message, "value.cache is a WeakMap");
  assert.match(refusal([new WeakSet()]).message, "value[0] is a WeakSet");
});

test("an instance of a user class is refused naming the class", () => {
  class Point {
    constructor(readonly x: number) {}
  }
  const error = refusal({ origin: new Point(0) });
  assert.match(error.message, "value.origin is an instance of class Point");
  assert.match(error.message, "{ ...value }");
});

test("subclasses of Map, Set and Array are refused as class instances", () => {
  class Registry extends Map<string, number> {}
  class Tags extends Set<string> {}
  class Stack extends Array<number> {}
  assert.match(refusal(new Registry()).message, "instance of class Registry");
  assert.match(refusal(new Tags()).message, "instance of class Tags");
  assert.match(refusal(Stack.from([1])).message, "instance of class Stack");
});

test("a boxed primitive is refused with advice to send the primitive", () => {
  // eslint-disable-next-line no-new-wrappers
  const error = refusal({ n: new Number(3) });
  assert.match(error.message, "value.n is a boxed Number");
  assert.match(error.message, "valueOf()");
});

test("the path names Map values by key, Map keys and Set items by position, and quotes odd keys", () => {
  const fn = () => 0;
  assert.match(refusal(new Map([["k", fn]])).message, 'value.get("k") is a function');
  assert.match(refusal(new Map([[1, { deep: [fn] }]])).message, "value.get(1).deep[0] is a function");
  assert.match(refusal(new Map([[fn, 1]])).message, "[...value.keys()][0] is a function");
  assert.match(refusal({ s: new Set([1, fn]) }).message, "[...value.s][1] is a function");
  assert.match(refusal({ "a b": { "x-y": fn } }).message, 'value["a b"]["x-y"] is a function');
});

test("a refusal deep inside a large cyclic value still names its path", () => {
  const root: { items: Array<Record<string, unknown>> } = { items: [] };
  for (let i = 0; i < 2_000; i++) root.items.push({ i, root });
  root.items[1_500]!.bad = Symbol("x");
  assert.match(refusal(root).message, "value.items[1500].bad is a symbol");
});

test("a value is refused before any part of it is encoded", () => {
  const before = log.encodedRefs.length;
  refusal([new ray.ObjectRef("first"), () => 1]);
  assert.is(log.encodedRefs.length, before, "encodeRef ran for a value that was then refused");
});

test("a getter that throws while the value is read becomes a SerializationError with that cause", () => {
  const boom = new Error("getter failed");
  const error = refusal({ get broken() { throw boom; } });
  assert.is(error.cause, boom);
  assert.match(error.message, "getter failed");
});

test("a value nested too deeply to encode becomes a SerializationError", () => {
  let deep: unknown = 0;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.match(refusal(deep).message, "nested too deeply");
});

test.run();
