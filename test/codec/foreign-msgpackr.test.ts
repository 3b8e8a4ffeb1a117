// Another msgpackr user in the same process must not notice tsray.
//
// msgpackr's `addExtension` is process-global: the extensions tsray registers
// (at its first `new Codec`) for Error, ArrayBuffer, DataView,
// SharedArrayBuffer and typed arrays are also consulted by every other Packr.
// This suite records what foreign Packrs write BEFORE anything of tsray's codec
// is loaded (module top level; the codec and the harness, which makes a Codec
// at import, are imported dynamically afterwards), then uses tsray's codec, then
// checks that the same foreign Packrs write the same bytes, byte for byte, and
// that a foreign Unpackr still reads them the same way.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Packr, Unpackr, pack as defaultPack, unpack as defaultUnpack } from "msgpackr";
import type * as HarnessModule from "./harness.js";

// ---------------------------------------------------------------------------
// Before tsray: nothing below may import the codec, the harness or "tsray".

/** A foreign Unpackr meets tsray's ObjectRef code (0x20); until tsray registers its extensions, msgpackr does not know it. */
function tsrayCodeKnown(): boolean {
  try {
    new Unpackr().unpack(Uint8Array.from([0xd4, 0x20, 0x00, 0xc0]));
    return true;
  } catch (error) {
    return !/Unknown extension/.test(String(error));
  }
}
const tsrayCodeKnownAtStart = tsrayCodeKnown();

class JsonError extends Error {
  toJSON(): unknown {
    return { jsonError: this.message };
  }
}
class MyFloats extends Float32Array {}

interface Sample {
  name: string;
  make: () => unknown;
}

const samples: Sample[] = [
  { name: "Float64Array", make: () => Float64Array.from([1.5, -2, 3, Number.NaN]) },
  { name: "Uint8Array", make: () => Uint8Array.from([0, 1, 254, 255]) },
  { name: "Buffer", make: () => Buffer.from("hello, msgpackr") },
  { name: "empty Uint8Array", make: () => new Uint8Array(0) },
  { name: "Int8Array", make: () => Int8Array.from([-128, -1, 0, 127]) },
  { name: "Uint8ClampedArray", make: () => Uint8ClampedArray.from([0, 200, 255]) },
  {
    name: "Int16Array view at offset 6 (element 3)",
    make: () => {
      const whole = Int16Array.from([1, 2, 3, -4, 5, -6, 7, 8]);
      return new Int16Array(whole.buffer, 6, 3);
    },
  },
  { name: "Uint8Array view at odd offset", make: () => Uint8Array.from([9, 8, 7, 6, 5, 4]).subarray(3) },
  { name: "BigInt64Array", make: () => BigInt64Array.from([-1n, 2n ** 62n]) },
  { name: "Float32Array subclass", make: () => MyFloats.from([0.5, 2]) },
  { name: "ArrayBuffer", make: () => Uint8Array.from([1, 2, 3, 4, 5]).buffer },
  {
    name: "DataView at odd offset",
    make: () => new DataView(Uint8Array.from([10, 11, 12, 13, 14, 15, 16]).buffer, 1, 5),
  },
  {
    name: "SharedArrayBuffer",
    make: () => {
      const shared = new SharedArrayBuffer(8);
      new Uint8Array(shared).set([1, 2, 3]);
      return shared;
    },
  },
  { name: "Float64Array of 100 KiB", make: () => Float64Array.from({ length: 12_800 }, (_, i) => i / 3) },
  { name: "Uint8Array of 300 bytes", make: () => Uint8Array.from({ length: 300 }, (_, i) => i & 0xff) },
  { name: "Error with cause", make: () => new Error("outer", { cause: new Error("inner") }) },
  { name: "TypeError", make: () => new TypeError("bad type") },
  { name: "AggregateError", make: () => new AggregateError([new Error("a"), new RangeError("b"), 7], "several") },
  { name: "Error subclass with toJSON", make: () => new JsonError("as json") },
  {
    name: "nested in objects and arrays",
    make: () => {
      const floats = Float64Array.from([0.25, 0.5]);
      return {
        floats,
        again: floats,
        list: [new Uint8Array([1]), new DataView(new ArrayBuffer(3)), Buffer.from([7, 7]), new SharedArrayBuffer(2)],
        error: new RangeError("out of range", { cause: { code: 3 } }),
        deeper: { buffer: new ArrayBuffer(4), ints: Int32Array.from([-1, 1]) },
        map: new Map<unknown, unknown>([["k", new Uint16Array([65535])]]),
      };
    },
  },
];

interface Flavor {
  name: string;
  pack: (value: unknown) => Uint8Array;
  unpack: (bytes: Uint8Array) => unknown;
}

function flavor(name: string, options: ConstructorParameters<typeof Packr>[0]): Flavor {
  // A fresh Packr per call: the bytes cannot depend on what an earlier call left behind.
  return { name, pack: (v) => new Packr(options).pack(v), unpack: (b) => new Unpackr(options).unpack(b) };
}

const flavors: Flavor[] = [
  flavor("{}", {}),
  flavor("{ structuredClone }", { structuredClone: true }),
  flavor("{ moreTypes }", { moreTypes: true }),
  flavor("{ structuredClone, moreTypes }", { structuredClone: true, moreTypes: true }),
  flavor("{ useRecords: false }", { useRecords: false }),
  flavor("{ useRecords: false, moreTypes }", { useRecords: false, moreTypes: true }),
  flavor("{ moreTypes, useToJSON: false }", { moreTypes: true, useToJSON: false }),
  flavor("{ variableMapSize, moreTypes }", { variableMapSize: true, moreTypes: true }),
  // msgpackr's module-level pack/unpack: one long-lived Packr shared by everyone in the process.
  { name: "msgpackr.pack", pack: (v) => defaultPack(v), unpack: (b) => defaultUnpack(b) },
];

type Outcome = { bytes: string } | { threw: string };

function packOutcome(f: Flavor, value: unknown): Outcome {
  try {
    return { bytes: Buffer.from(f.pack(value)).toString("hex") };
  } catch (error) {
    return { threw: String(error) };
  }
}

/** A structural description of a decoded value (classes, bytes, error fields, shared identity) for deep comparison. */
function describe(value: unknown, seen = new Map<object, number>()): unknown {
  if (typeof value === "bigint") return { bigint: value.toString() };
  if (typeof value === "number" && Number.isNaN(value)) return { number: "NaN" };
  if (value === null || typeof value !== "object") return value;
  const id = seen.get(value);
  if (id !== undefined) return { seenBefore: id };
  seen.set(value, seen.size);
  const cls = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (ArrayBuffer.isView(value)) {
    return { cls, bytes: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    return { cls, bytes: Array.from(new Uint8Array(value)) };
  }
  if (value instanceof Error) {
    const described: Record<string, unknown> = { cls, name: value.name, message: value.message };
    if ("cause" in value) described.cause = describe(value.cause, seen);
    if (value instanceof AggregateError) described.errors = describe(value.errors, seen);
    return described;
  }
  if (Array.isArray(value)) return value.map((item) => describe(item, seen));
  if (value instanceof Map) return { cls, entries: [...value].map(([k, v]) => [describe(k, seen), describe(v, seen)]) };
  return { cls, props: Object.entries(value).map(([k, v]) => [k, describe(v, seen)]) };
}

function unpackOutcome(f: Flavor, outcome: Outcome): unknown {
  if (!("bytes" in outcome)) return outcome;
  try {
    return { decoded: describe(f.unpack(Buffer.from(outcome.bytes, "hex"))) };
  } catch (error) {
    return { unpackThrew: String(error) };
  }
}

/** Packs every sample with every flavor: `[flavor][sample]`. */
function packAll(): Outcome[][] {
  return flavors.map((f) => samples.map((s) => packOutcome(f, s.make())));
}

const before = packAll();
const decodedBefore = flavors.map((f, i) => samples.map((_, j) => unpackOutcome(f, before[i]![j]!)));
// Long-lived foreign Packrs made before tsray, used again afterwards.
const longLived = new Packr({ structuredClone: true, moreTypes: true });
const longLivedBefore = samples.map((s) => Buffer.from(longLived.pack(s.make())).toString("hex"));

// ---------------------------------------------------------------------------
// Now tsray's codec (the harness makes a Codec as it loads).

const harness: typeof HarnessModule = await import("./harness.js");
const { makeCodec, roundTrip, codecModule } = harness;
const ray = await import("tsray");

test("the recording ran before tsray registered its msgpack extensions", () => {
  assert.is(tsrayCodeKnownAtStart, false, "tsray's extension code 0x20 was already known when recording started");
  assert.is(tsrayCodeKnown(), true, "making a Codec should register tsray's extensions");
});

test("the recorded bytes are msgpackr's own formats (spot checks written out by hand)", () => {
  const moreTypes = flavors.findIndex((f) => f.name === "{ moreTypes }");
  const plain = flavors.findIndex((f) => f.name === "{}");
  const at = (flavorIndex: number, sampleName: string): Outcome =>
    before[flavorIndex]![samples.findIndex((s) => s.name === sampleName)]!;
  // ext 8, length 1 + 32, 't', Float64Array (8), then the bytes (little-endian 1.5)
  assert.ok((at(moreTypes, "Float64Array") as { bytes: string }).bytes.startsWith("c72174080000000000" + "00f83f"));
  // bin 8, length 4, the bytes
  assert.equal(at(plain, "Uint8Array"), { bytes: "c40400" + "01feff" });
  // ext 8, length 1 + 5, 't', ArrayBuffer (0x10), the bytes
  assert.equal(at(moreTypes, "ArrayBuffer"), { bytes: "c70674" + "10" + "0102030405" });
  // fixext 1 'e' then [name, message, cause]: 0x93 = array of 3, 0xa9 = str of 9 "TypeError"
  assert.ok((at(moreTypes, "TypeError") as { bytes: string }).bytes.startsWith("d4650093a9"));
  // a SharedArrayBuffer is not a msgpackr type: a Packr writes it as an object with no properties (a record here)
  assert.ok(!("threw" in at(plain, "SharedArrayBuffer")));
});

test("tsray's codec round-trips binaries and errors (its extensions are registered and in use)", () => {
  const floats = roundTrip(Float64Array.from([1, 2, 3])) as Float64Array;
  assert.instance(floats, Float64Array);
  assert.equal(Array.from(floats), [1, 2, 3]);
  const large = roundTrip(new Float64Array(20_000).fill(2.5)) as Float64Array;
  assert.instance(large, Float64Array);
  assert.is(large[19_999], 2.5);
  assert.instance(roundTrip(Buffer.from([1, 2])), Buffer);
  assert.instance(roundTrip(new DataView(new ArrayBuffer(3))), DataView);
  assert.instance(roundTrip(new ArrayBuffer(3)), ArrayBuffer);
  assert.instance(roundTrip(new SharedArrayBuffer(3)), SharedArrayBuffer);
  const error = roundTrip(new TypeError("x", { cause: new Error("y") })) as TypeError;
  assert.instance(error, TypeError);
  assert.is((error.cause as Error).message, "y");
  const mixed = roundTrip({ e: new AggregateError([new Error("a")], "agg"), b: new Uint8Array(5), z: -0 }) as {
    e: AggregateError;
    z: number;
  };
  assert.instance(mixed.e, AggregateError);
  assert.ok(Object.is(mixed.z, -0));
});

for (const [i, f] of flavors.entries()) {
  test(`foreign Packr ${f.name}: same bytes after tsray's codec was used, same values decoded`, () => {
    for (const [j, s] of samples.entries()) {
      const after = packOutcome(f, s.make());
      assert.equal(after, before[i]![j], `${f.name}, ${s.name}: bytes changed`);
      assert.equal(unpackOutcome(f, after), decodedBefore[i]![j], `${f.name}, ${s.name}: decoded value changed`);
    }
  });
}

test("a long-lived foreign Packr made before tsray writes the same bytes", () => {
  samples.forEach((s, j) => {
    assert.is(Buffer.from(longLived.pack(s.make())).toString("hex"), longLivedBefore[j], s.name);
  });
});

test("a foreign Packr used inside a tsray encode (from a hook) writes the same bytes", () => {
  const f = flavors.findIndex((fl) => fl.name === "{ structuredClone, moreTypes }");
  const inHook: Outcome[] = [];
  const codec = new codecModule.Codec({
    encodeRef(ref) {
      for (const s of samples) inHook.push(packOutcome(flavors[f]!, s.make()));
      return { ref: ref.id };
    },
    decodeRef: (wire) => new ray.ObjectRef((wire as { ref: string }).ref),
    encodeHandle: () => ({}),
    decodeHandle: () => {
      throw new Error("unused");
    },
  });
  const value = { ref: new ray.ObjectRef("r1"), floats: new Float64Array(4), error: new Error("e") };
  const decoded = codec.decode(codec.encode(value, "test value")) as typeof value;
  assert.instance(decoded.floats, Float64Array);
  assert.instance(decoded.error, Error);
  assert.equal(inHook, before[f]);
});

test("tsray's own classes refuse a foreign Packr with a clear message", () => {
  const { FakeHandle } = harness;
  for (const value of [new ray.ObjectRef("r"), { nested: [new ray.ObjectRef("r")] }]) {
    assert.throws(() => new Packr().pack(value), /ObjectRef can only be serialized by tsray/);
  }
  assert.throws(() => new Packr({ moreTypes: true }).pack(new FakeHandle("a")), /actor handle can only be serialized by tsray/);
});

test("a foreign Unpackr meeting tsray's bytes: plain and msgpackr-format parts decode, tsray-only parts fail clearly", () => {
  const { codec } = makeCodec();
  const foreign = new Unpackr({ structuredClone: true, moreTypes: true });
  // Small typed arrays are written in msgpackr's own format; tsray's Error (0x22) and Buffer (0x24) decoders need no codec.
  const plain = foreign.unpack(codec.encode({ floats: Float64Array.from([4]), error: new Error("e"), buffer: Buffer.from([1]) }, "v")) as {
    floats: Float64Array;
    error: Error;
    buffer: Buffer;
  };
  assert.instance(plain.floats, Float64Array);
  assert.is(plain.floats[0], 4);
  assert.instance(plain.error, Error);
  assert.is(plain.error.message, "e");
  assert.instance(plain.buffer, Buffer);
  // ObjectRefs and actor handles need the codec's hooks.
  assert.throws(() => foreign.unpack(codec.encode(new ray.ObjectRef("r"), "v")), /can only be decoded by tsray/);
  assert.throws(() => foreign.unpack(codec.encode([new harness.FakeHandle("a")], "v")), /can only be decoded by tsray/);
  // An out-of-band record (large binary) only means something inside a tsray frame.
  const frame = codec.encode([new Float64Array(20_000)], "v");
  assert.throws(() => foreign.unpack(frame));
});

test.run();
