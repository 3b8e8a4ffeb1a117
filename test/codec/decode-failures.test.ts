import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { codecModule, makeCodec, thrown } from "./harness.js";

const { codec } = makeCodec();

function decodeFailure(bytes: Uint8Array): ray.SerializationError {
  const error = thrown(() => codec.decode(bytes), ray.SerializationError);
  assert.is(error.location, "decode");
  assert.match(error.message, "Cannot decode a value");
  return error;
}

test("empty bytes fail with a SerializationError", () => {
  decodeFailure(new Uint8Array(0));
});

test("a truncated inline frame fails with a SerializationError", () => {
  const bytes = codec.encode({ a: "some text", b: [1, 2, 3] }, "test");
  decodeFailure(bytes.subarray(0, bytes.byteLength - 3));
});

test("a truncated large frame fails with a SerializationError instead of reading past its end", () => {
  const bytes = codec.encode(new Float64Array(codecModule.OUT_OF_BAND_MIN_BYTES / 8), "test");
  assert.match(decodeFailure(bytes.subarray(0, bytes.byteLength - 8)).message, "outside its frame");
});

test("a large frame of an unknown format version fails naming the version", () => {
  const bytes = codec.encode(new Uint8Array(codecModule.OUT_OF_BAND_MIN_BYTES), "test").slice();
  bytes[1] = 99;
  assert.match(decodeFailure(bytes).message, "format version 99");
});

test.run();
