import { test } from "uvu";
import * as assert from "uvu/assert";
import { codecModule, makeCodec, roundTrip } from "./harness.js";

const { OUT_OF_BAND_MIN_BYTES, OWNED_BUFFER_MIN_BYTES } = codecModule;

type AnyTypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type Kind = { name: string; make: (length: number) => AnyTypedArray };

/** Every typed-array kind, filled with values that exercise its range. */
const kinds: Kind[] = [
  { name: "Int8Array", make: (n) => Int8Array.from({ length: n }, (_, i) => (i % 256) - 128) },
  { name: "Uint8Array", make: (n) => Uint8Array.from({ length: n }, (_, i) => i % 256) },
  { name: "Uint8ClampedArray", make: (n) => Uint8ClampedArray.from({ length: n }, (_, i) => (i * 7) % 256) },
  { name: "Int16Array", make: (n) => Int16Array.from({ length: n }, (_, i) => (i * 31) % 65536 - 32768) },
  { name: "Uint16Array", make: (n) => Uint16Array.from({ length: n }, (_, i) => (i * 31) % 65536) },
  { name: "Int32Array", make: (n) => Int32Array.from({ length: n }, (_, i) => (i * 2_654_435_761) | 0) },
  { name: "Uint32Array", make: (n) => Uint32Array.from({ length: n }, (_, i) => (i * 2_654_435_761) >>> 0) },
  { name: "Float32Array", make: (n) => Float32Array.from({ length: n }, (_, i) => i / 3 - 7) },
  { name: "Float64Array", make: (n) => Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -0 : i / 7 - 1e10)) },
  { name: "BigInt64Array", make: (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -(2n ** 40n) - 1n) },
  { name: "BigUint64Array", make: (n) => BigUint64Array.from({ length: n }, (_, i) => 2n ** 64n - 1n - BigInt(i)) },
];

function assertSameTypedArray(actual: unknown, expected: AnyTypedArray): void {
  assert.is(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), `expected a ${expected.constructor.name}`);
  const a = actual as AnyTypedArray;
  assert.is(a.length, expected.length);
  const av = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ev = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  assert.ok(Buffer.compare(av, ev) === 0, `${expected.constructor.name} contents differ`);
}

for (const kind of kinds) {
  test(`a small ${kind.name} keeps its type and contents`, () => {
    const value = kind.make(17);
    assertSameTypedArray(roundTrip(value), value);
  });
  test(`a large ${kind.name} keeps its type and contents`, () => {
    const value = kind.make(OUT_OF_BAND_MIN_BYTES / 2 + 3);
    assertSameTypedArray(roundTrip(value), value);
  });
}

test("a typed array that views part of a bigger buffer sends only its own elements", () => {
  const backing = new Float64Array(1000).map((_, i) => i);
  const window = new Float64Array(backing.buffer, 8 * 10, 5);
  const { codec } = makeCodec();
  const bytes = codec.encode(window, "test");
  assert.ok(bytes.byteLength < 100, `encoded ${bytes.byteLength} bytes for 5 doubles`);
  assert.equal([...(codec.decode(bytes) as Float64Array)], [10, 11, 12, 13, 14]);
});

test("a large typed array that sat at an unaligned offset in its buffer keeps its contents", () => {
  const backing = new ArrayBuffer(OUT_OF_BAND_MIN_BYTES * 2 + 3);
  const bytes = new Uint8Array(backing, 3, OUT_OF_BAND_MIN_BYTES + 5);
  bytes.forEach((_, i) => (bytes[i] = (i * 13) % 256));
  const int16 = new Int16Array(backing, 2, OUT_OF_BAND_MIN_BYTES / 2);
  int16.forEach((_, i) => (int16[i] = i - 1000));
  const back = roundTrip({ bytes, int16 });
  assertSameTypedArray(back.bytes, bytes);
  assertSameTypedArray(back.int16, int16);
});

test("a large frame decoded from an odd offset in a bigger buffer still gives correct values", () => {
  const value = { a: new Uint8Array(OUT_OF_BAND_MIN_BYTES + 1).fill(7), f: Float64Array.from({ length: 10_000 }, (_, i) => i + 0.5) };
  const { codec } = makeCodec();
  const frame = codec.encode(value, "test");
  const shifted = new Uint8Array(frame.byteLength + 1);
  shifted.set(frame, 1);
  const back = codec.decode(shifted.subarray(1), { view: true }) as typeof value;
  assertSameTypedArray(back.f, value.f);
  assertSameTypedArray(back.a, value.a);
});

test("a Buffer stays a Buffer, small and large", () => {
  for (const size of [5, OUT_OF_BAND_MIN_BYTES + 9]) {
    const value = Buffer.alloc(size, 0xab);
    const back = roundTrip(value);
    assert.ok(Buffer.isBuffer(back), `size ${size}`);
    assert.ok(value.equals(back));
  }
});

test("a Buffer decoded from bytes that were copied into a plain Uint8Array is still a Buffer", () => {
  const { codec } = makeCodec();
  const plain = new Uint8Array(codec.encode(Buffer.from("hello"), "test"));
  const back = codec.decode(plain);
  assert.ok(Buffer.isBuffer(back));
  assert.is((back as Buffer).toString(), "hello");
});

test("a plain Uint8Array does not turn into a Buffer", () => {
  for (const size of [3, OUT_OF_BAND_MIN_BYTES]) {
    const back = roundTrip(new Uint8Array(size));
    assert.not.ok(Buffer.isBuffer(back));
    assert.is(Object.getPrototypeOf(back), Uint8Array.prototype);
  }
});

test("an ArrayBuffer arrives as an ArrayBuffer with its bytes, small and large", () => {
  for (const size of [4, OUT_OF_BAND_MIN_BYTES + 1]) {
    const value = new Uint8Array(size).map((_, i) => i % 251).buffer;
    const back = roundTrip(value);
    assert.instance(back, ArrayBuffer);
    assert.ok(Buffer.from(back).equals(Buffer.from(value)));
  }
});

test("a DataView arrives as a DataView over just its own bytes, small and large", () => {
  for (const size of [6, OUT_OF_BAND_MIN_BYTES + 6]) {
    const backing = new Uint8Array(size + 4).map((_, i) => i % 256);
    const value = new DataView(backing.buffer, 2, size);
    const back = roundTrip(value);
    assert.instance(back, DataView);
    assert.is(back.byteLength, size);
    assert.is(back.getUint8(0), 2);
    assert.is(back.getUint8(size - 1), (size + 1) % 256);
  }
});

test("a SharedArrayBuffer arrives as a SharedArrayBuffer holding a copy of its bytes", () => {
  for (const size of [8, OUT_OF_BAND_MIN_BYTES + 8]) {
    const value = new SharedArrayBuffer(size);
    new Uint8Array(value).fill(9);
    const back = roundTrip(value);
    assert.instance(back, SharedArrayBuffer);
    assert.is.not(back, value);
    assert.is(new Uint8Array(back)[size - 1], 9);
  }
});

test("several large binaries of odd sizes in one value each keep their contents", () => {
  const value = {
    odd: new Uint8Array(OUT_OF_BAND_MIN_BYTES + 3).fill(1),
    f64: new Float64Array(OUT_OF_BAND_MIN_BYTES / 8 + 1).fill(2.5),
    i16: new Int16Array(OUT_OF_BAND_MIN_BYTES / 2 + 1).fill(-3),
    small: new Float32Array([4]),
  };
  const back = roundTrip(value);
  assertSameTypedArray(back.odd, value.odd);
  assertSameTypedArray(back.f64, value.f64);
  assertSameTypedArray(back.i16, value.i16);
  assertSameTypedArray(back.small, value.small);
});

test("a large typed array reached twice is stored once and arrives as one shared array", () => {
  const big = new Float64Array(OUT_OF_BAND_MIN_BYTES / 8).fill(1);
  const { codec } = makeCodec();
  const bytes = codec.encode([big, big], "test");
  assert.ok(bytes.byteLength < big.byteLength * 1.5, `frame of ${bytes.byteLength} bytes`);
  const back = codec.decode(bytes) as Float64Array[];
  assert.is(back[0], back[1]);
});

test("encoding takes a snapshot: changing the typed array afterwards does not change what decodes", () => {
  const big = new Float64Array(OUT_OF_BAND_MIN_BYTES / 8).fill(1);
  const { codec } = makeCodec();
  const bytes = codec.encode(big, "test");
  big.fill(2);
  assert.is((codec.decode(bytes) as Float64Array)[0], 1);
});

test("an encoded value of 64 KiB or more owns its ArrayBuffer, with and without large binaries", () => {
  const { codec } = makeCodec();
  const withBinary = codec.encode({ x: new Float64Array(OUT_OF_BAND_MIN_BYTES / 8) }, "test");
  const withoutBinary = codec.encode(Array.from({ length: 20_000 }, (_, i) => i * 1.5), "test");
  for (const bytes of [withBinary, withoutBinary]) {
    assert.ok(bytes.byteLength >= OWNED_BUFFER_MIN_BYTES);
    assert.is(bytes.byteOffset, 0);
    assert.is(bytes.buffer.byteLength, bytes.byteLength);
  }
});

test("transferableBuffer names the buffer of a large result and refuses a small one that shares a slab", () => {
  const { codec } = makeCodec();
  const small = codec.encode({ a: 1 }, "test");
  const large = codec.encode(new Float64Array(OUT_OF_BAND_MIN_BYTES / 8), "test");
  assert.is(codecModule.transferableBuffer(small), undefined);
  assert.is(codecModule.transferableBuffer(large), large.buffer);
});

test("a large encoded value can be transferred and later encodings are unaffected", () => {
  const { codec } = makeCodec();
  const before = codec.encode({ small: "kept" }, "test");
  const big = codec.encode(Array.from({ length: 40_000 }, (_, i) => i), "test");
  assert.ok(big.byteLength >= OWNED_BUFFER_MIN_BYTES);
  const transfer = codecModule.transferableBuffer(big);
  assert.ok(transfer !== undefined);
  const moved = structuredClone(big, { transfer: [transfer] });
  assert.is(big.byteLength, 0, "the original was detached by the transfer");
  assert.is((codec.decode(moved) as number[])[39_999], 39_999);
  assert.equal(codec.decode(before), { small: "kept" });
  assert.equal(codec.decode(codec.encode({ after: [1, 2] }, "test")), { after: [1, 2] });
});

test("small encoded values stay valid after many later encodings", () => {
  const { codec } = makeCodec();
  const first = codec.encode({ id: "first", list: [1, 2, 3] }, "test");
  for (let i = 0; i < 10_000; i++) codec.encode({ i, filler: "x".repeat(i % 50) }, "test");
  assert.equal(codec.decode(first), { id: "first", list: [1, 2, 3] });
});

test("by default a decoded large typed array shares no memory with the bytes", () => {
  const { codec } = makeCodec();
  const bytes = codec.encode(new Float64Array(OUT_OF_BAND_MIN_BYTES / 8).fill(1), "test");
  const a = codec.decode(bytes) as Float64Array;
  const b = codec.decode(bytes) as Float64Array;
  assert.is.not(a.buffer, bytes.buffer);
  a[0] = 42;
  assert.is(b[0], 1);
  assert.is((codec.decode(bytes) as Float64Array)[0], 1);
});

test("with view: true a decoded large typed array is a view over the frame, not a copy", () => {
  const { codec } = makeCodec();
  const bytes = codec.encode({ data: new Float64Array(OUT_OF_BAND_MIN_BYTES / 8).fill(3) }, "test");
  const back = codec.decode(bytes, { view: true }) as { data: Float64Array };
  assert.is(back.data.buffer, bytes.buffer);
  assert.is(back.data.byteOffset % 8, 0);
  assert.is(back.data[0], 3);
});

test("with view: true a large Buffer and DataView are views too, and an ArrayBuffer is still a copy", () => {
  const { codec } = makeCodec();
  const size = OUT_OF_BAND_MIN_BYTES;
  const bytes = codec.encode([Buffer.alloc(size, 1), new DataView(new ArrayBuffer(size)), new ArrayBuffer(size)], "test");
  const [buffer, view, arrayBuffer] = codec.decode(bytes, { view: true }) as [Buffer, DataView, ArrayBuffer];
  assert.is(buffer.buffer, bytes.buffer);
  assert.is(view.buffer, bytes.buffer);
  assert.is.not(arrayBuffer, bytes.buffer);
  assert.is(arrayBuffer.byteLength, size);
});

test("with view: true the decode reports each view it makes, and neither copies nor small binaries", () => {
  const { codec } = makeCodec();
  const size = OUT_OF_BAND_MIN_BYTES;
  const value = [new Float64Array(size / 8), Buffer.alloc(size), new DataView(new ArrayBuffer(size)), new ArrayBuffer(size), new Uint8Array(8)];
  const bytes = codec.encode(value, "test");
  const reported: ArrayBufferView[] = [];
  const back = codec.decode(bytes, { view: true, onView: (v) => reported.push(v) }) as unknown[];
  assert.is(reported.length, 3);
  assert.ok(reported.every((v, i) => v === back[i]));
  const copies: ArrayBufferView[] = [];
  codec.decode(bytes, { onView: (v) => copies.push(v) });
  assert.equal(copies, []);
});

test("a custom allocator provides the memory of large results, and padding is zeroed", () => {
  const requested: number[] = [];
  const { codec } = makeCodec({
    allocate: (n) => {
      requested.push(n);
      return new Uint8Array(n).fill(0xee); // stale garbage the codec must overwrite
    },
  });
  // Labels of 0-7 characters move the body's end across every 8-byte alignment.
  for (let length = 0; length < 8; length++) {
    requested.length = 0;
    const value = {
      label: "x".repeat(length),
      a: new Uint8Array(OUT_OF_BAND_MIN_BYTES + 1).fill(1),
      b: new Uint8Array(OUT_OF_BAND_MIN_BYTES).fill(2),
    };
    const bytes = codec.encode(value, "test");
    assert.equal(requested, [bytes.byteLength]);
    assert.not.ok(bytes.includes(0xee), `a byte of the allocator's garbage was left in the frame (label length ${length})`);
    const back = codec.decode(bytes) as typeof value;
    assert.is(back.label, value.label);
    assert.is(back.a[OUT_OF_BAND_MIN_BYTES], 1);
    assert.is(back.b[0], 2);
  }
});

test("a small result does not call the allocator", () => {
  let calls = 0;
  const { codec } = makeCodec({ allocate: (n) => (calls++, new Uint8Array(n)) });
  codec.encode({ a: new Float64Array(100) }, "test");
  assert.is(calls, 0);
});

test.run();
