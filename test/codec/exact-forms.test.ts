// Values msgpack would change silently (holes, named array properties, lone
// surrogates, "__proto__" keys, null prototypes) round-trip exactly; values
// the codec cannot send (too deep, unreadable Proxies) are refused at encode
// with the limit or the reason and the path.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { codecModule, roundTrip, thrown } from "./harness.js";

const { Codec } = codecModule;
const codec = new Codec({
  encodeRef: (ref) => ref.id,
  decodeRef: (wire) => new ray.ObjectRef(wire as string),
  encodeHandle: () => null,
  decodeHandle: () => {
    throw new Error("no handles here");
  },
});

function refusal(value: unknown, location = "test value"): ray.SerializationError {
  return thrown(() => codec.encode(value, location), ray.SerializationError);
}

const hasOwn = (o: object, k: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(o, k);

test("an array of length 2 ** 32 - 1 with three entries round-trips with its length, entries and holes", () => {
  const sparse: unknown[] = [];
  sparse.length = 2 ** 32 - 1;
  sparse[0] = "first";
  sparse[70_000] = { x: 1 };
  sparse[2 ** 32 - 2] = -0;
  const bytes = codec.encode(sparse, "test value");
  assert.ok(bytes.byteLength < 200, `${bytes.byteLength} bytes for three entries`);
  const back = codec.decode(bytes) as unknown[];
  assert.is(back.length, 2 ** 32 - 1);
  assert.equal(Object.keys(back), ["0", "70000", String(2 ** 32 - 2)]);
  assert.is(back[0], "first");
  assert.equal(back[70_000], { x: 1 });
  assert.ok(Object.is(back[2 ** 32 - 2], -0));
});

test("an empty array of length 2 ** 28 round-trips without a single entry", () => {
  const empty: unknown[] = [];
  empty.length = 2 ** 28;
  const back = roundTrip(empty);
  assert.is(back.length, 2 ** 28);
  assert.equal(Object.keys(back), []);
});

test("a holey array keeps its holes as holes, not undefined entries", () => {
  // eslint-disable-next-line no-sparse-arrays
  const back = roundTrip([1, , 3, undefined, , ]);
  assert.is(back.length, 5);
  assert.equal(Object.keys(back), ["0", "2", "3"]);
  assert.ok(!(1 in back) && !(4 in back));
  assert.ok(3 in back);
});

test("named properties of short and long arrays round-trip after the items", () => {
  for (const length of [0, 3, 64, 100, 10_000]) {
    const array: unknown[] & { tag?: string; "__proto__"?: unknown } = Array.from({ length }, (_, i) => i);
    array.tag = "t";
    Object.defineProperty(array, "__proto__", { value: 9, enumerable: true, writable: true, configurable: true });
    const back = roundTrip(array);
    assert.ok(Array.isArray(back));
    assert.is(back.length, length);
    assert.is(back[length - 1], length === 0 ? undefined : length - 1);
    assert.is(back.tag, "t", `length ${length}`);
    assert.ok(hasOwn(back, "__proto__"));
    assert.is(Object.getPrototypeOf(back), Array.prototype);
  }
});

test("a regular expression match keeps its index, input and groups", () => {
  const match = /(?<word>b+)/.exec("aabbb")!;
  const back = roundTrip(match);
  assert.is(back.index, 2);
  assert.is(back.input, "aabbb");
  assert.equal({ ...back.groups }, { word: "bbb" });
});

test("a key named __proto__ stays an own key and sets no prototype", () => {
  const back = roundTrip(JSON.parse('{"__proto__": 2}') as Record<string, unknown>);
  assert.equal(Object.keys(back), ["__proto__"]);
  assert.is(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, 2);
  assert.is(Object.getPrototypeOf(back), Object.prototype);
});

test("keys __proto_ and __proto__ side by side both survive", () => {
  const back = roundTrip(JSON.parse('{"__proto_": 1, "__proto__": 2}') as Record<string, unknown>);
  assert.equal(Object.keys(back), ["__proto_", "__proto__"]);
  assert.is(back.__proto_, 1);
  assert.is(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, 2);
});

test("an object under a __proto__ key pollutes no prototype when decoded", () => {
  const back = roundTrip(JSON.parse('{"__proto__": {"polluted": true}, "inner": {"__proto__": {"polluted": true}}}') as Record<string, unknown>);
  assert.is(Object.getPrototypeOf(back), Object.prototype);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is((back as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { polluted: true });
  assert.equal(Object.getOwnPropertyDescriptor(back.inner, "__proto__")?.value, { polluted: true });
});

test("a null-prototype object stays null-prototype with its keys in order", () => {
  const dict = Object.create(null) as Record<string, unknown>;
  dict.b = 1;
  dict.a = { nested: true };
  const back = roundTrip({ dict });
  assert.is(Object.getPrototypeOf(back.dict), null);
  assert.equal(Object.keys(back.dict), ["b", "a"]);
  assert.equal(back.dict.a, { nested: true });
});

test("strings with lone surrogates round-trip as values, object keys, array names and Map keys", () => {
  const high = "a\uD800b";
  const low = "\uDC00";
  const array: unknown[] & Record<string, unknown> = [high] as unknown[] & Record<string, unknown>;
  array[low] = 2;
  const back = roundTrip({ s: high, keyed: { [low]: 1, ok: "👍" }, array, map: new Map([[high, low]]), set: new Set([low]) });
  assert.is(back.s, high);
  assert.equal(Object.keys(back.keyed), [low, "ok"]);
  assert.is(back.keyed.ok, "👍");
  assert.is(back.array[0], high);
  assert.is((back.array as unknown as Record<string, unknown>)[low], 2);
  assert.is(back.map.get(high), low);
  assert.ok(back.set.has(low));
  assert.is(roundTrip(high + high.repeat(40_000)), high + high.repeat(40_000));
});

test("cycles through null-prototype objects and holey arrays come back as the same cycles", () => {
  const dict = Object.create(null) as Record<string, unknown>;
  const holey: unknown[] = [];
  holey[2] = dict;
  dict.self = dict;
  dict.list = holey;
  holey[5] = holey;
  const back = roundTrip(dict);
  assert.is(Object.getPrototypeOf(back), null);
  assert.is(back.self, back);
  const list = back.list as unknown[];
  assert.is(list[2], back);
  assert.is(list[5], list);
  assert.ok(!(0 in list));
});

test("an exact container reached twice is decoded once and shared", () => {
  const dict = Object.create(null) as Record<string, unknown>;
  dict.k = "v";
  const back = roundTrip({ a: dict, b: [dict], c: { __proto__: null, d: dict } });
  assert.is(back.a, back.b[0]);
  assert.is(back.a, (back.c as Record<string, unknown>).d);
});

test("an error inside a value keeps a lone surrogate in its message and exact forms in its properties", () => {
  const error = new Error("bad \uD800 input") as Error & Record<string, unknown>;
  Object.defineProperty(error, "__proto__", { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
  // eslint-disable-next-line no-sparse-arrays
  error.holes = [1, , 3];
  const back = roundTrip({ error }).error as Error & Record<string, unknown>;
  assert.is(back.message, "bad \uD800 input");
  assert.is(Object.getPrototypeOf(back), Error.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { x: 1 });
  assert.equal(Object.keys(back.holes as unknown[]), ["0", "2"]);
});

test(`values nested ${codecModule.MAX_NESTING_DEPTH} levels deep round-trip, whatever the containers`, () => {
  const limit = codecModule.MAX_NESTING_DEPTH;
  const makers: Array<(inner: unknown) => unknown> = [
    (inner) => [inner],
    (inner) => ({ a: inner }),
    (inner) => new Map([[1, inner]]),
    (inner) => new Set([inner]),
    (inner) => Object.assign(Object.create(null) as object, { a: inner }),
    (inner) => {
      const a: unknown[] = [];
      a[3] = inner;
      return a;
    },
  ];
  for (const make of makers) {
    let value: unknown = "leaf";
    for (let i = 0; i < limit; i++) value = make(value);
    codec.decode(codec.encode(value, "test value"));
  }
});

test("one level more is refused at encode with the limit and the path", () => {
  const limit = codecModule.MAX_NESTING_DEPTH;
  let value: unknown = "leaf";
  for (let i = 0; i <= limit; i++) value = { a: value };
  const error = refusal({ root: value }, "ray.put");
  assert.match(error.message, `nested too deeply: more than ${limit} levels`);
  assert.match(error.message, `value.root${".a".repeat(limit - 1)} is`);
});

test("a revoked Proxy is refused with its path, as a SerializationError", () => {
  const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
  revoke();
  const error = refusal({ list: [1, proxy] }, "argument 1 of f");
  assert.match(error.message, "Cannot serialize argument 1 of f: value.list[1] is a Proxy that threw when read");
  assert.match(error.message, "revoked");
  assert.instance(error.cause, TypeError);
});

test("a Proxy whose traps throw is refused with its path, as a SerializationError", () => {
  const hostile = new Proxy({}, {
    ownKeys() {
      throw new RangeError("no keys for you");
    },
  });
  assert.match(refusal({ foo: hostile }).message, "value.foo is a Proxy that threw when read (RangeError: no keys for you)");
  const weird = new Proxy({}, {
    getPrototypeOf() {
      throw Object.create(null); // a thrown value that cannot be turned into a string
    },
  });
  assert.match(refusal([weird]).message, "value[0] is a Proxy that threw when read");
});

test("a Proxy that throws only when msgpackr reads it, and throws something unprintable, is still a SerializationError", () => {
  let reads = 0;
  const twoFaced = new Proxy({ a: 1 }, {
    get(target, key, receiver) {
      // The check reads "a" once; msgpackr's read is the second.
      if (key === "a" && ++reads > 1) throw { toString: () => { throw new Error("no"); } };
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const error = refusal({ twoFaced }, "ray.put");
  assert.match(error.message, "Cannot serialize ray.put: something was thrown that cannot be described");
});

test("a Proxy that reads like plain data is sent as that data", () => {
  assert.equal(roundTrip(new Proxy({ a: [1, 2] }, {})), { a: [1, 2] });
  assert.equal(roundTrip(new Proxy([1, 2, 3], {})), [1, 2, 3]);
});

test.run();
