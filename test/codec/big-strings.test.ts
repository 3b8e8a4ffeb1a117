// A string whose UTF-8 form is longer than Node can decode into one string
// (buffer.constants.MAX_STRING_LENGTH bytes) travels as UTF-16 code units, so
// it round-trips instead of failing at decode. Needs ~3 GB of memory.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { constants } from "node:buffer";
import { codecModule, makeCodec } from "./harness.js";

test("a 600 MB UTF-8 string (300 million two-byte characters) round-trips", () => {
  const { codec } = makeCodec();
  const text = "é".repeat(300_000_000);
  assert.ok(Buffer.byteLength(text, "utf8") > constants.MAX_STRING_LENGTH, "the test string must exceed the UTF-8 decode cap");
  assert.is(codecModule.MAX_UTF8_DECODE_BYTES, constants.MAX_STRING_LENGTH);
  const bytes = codec.encode({ text }, "test value");
  const back = codec.decode(bytes) as { text: string };
  assert.is(back.text.length, text.length);
  assert.ok(back.text === text, "the decoded string differs");
});

test.run();
