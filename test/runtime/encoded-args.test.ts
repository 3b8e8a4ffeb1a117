// Calls without arguments share one encoding (no buffer per call); what each
// call decodes must still be its own list.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as ValuesModule from "../../runtime/dist/protocol/encoded-values.js";
import { makeCodec } from "../codec/harness.js";

// Compiled to test/dist/runtime/: the runtime's dist is three levels up (as test/codec's harness does).
const values: typeof ValuesModule = await import(new URL("../../../runtime/dist/protocol/encoded-values.js", import.meta.url).href);

const codec = values.compactCodec(makeCodec().codec);

test("calls without arguments share one encoding of the empty list", () => {
  const a = values.encodeArgs(codec, [], "f");
  const b = values.encodeArgs(codec, [], "g");
  assert.is(a.bytes, b.bytes);
  assert.is(a.refIds, undefined);
  assert.equal([...a.bytes], [...codec.encode([], "test")]);
});

test("each call decodes the shared encoding to a list of its own", () => {
  const { bytes } = values.encodeArgs(codec, [], "f");
  const first = values.decodeArgs(codec, bytes, undefined);
  first.push(1);
  assert.equal(values.decodeArgs(codec, bytes, undefined), []);
});

test("calls with arguments still get bytes of their own", () => {
  const a = values.encodeArgs(codec, [1], "f");
  const b = values.encodeArgs(codec, [1], "f");
  assert.is.not(a.bytes, b.bytes);
  assert.equal(values.decodeArgs(codec, a.bytes, undefined), [1]);
});

test.run();
