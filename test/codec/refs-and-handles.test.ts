import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { FakeHandle, codecModule, makeCodec, thrown } from "./harness.js";

test("an ObjectRef is written through encodeRef and read back through decodeRef", () => {
  const { codec, log } = makeCodec();
  const ref = new ray.ObjectRef("obj-1");
  const back = codec.decode(codec.encode(ref, "test"));
  assert.equal(log.encodedRefs, [ref]);
  assert.equal(log.decodedRefs, [{ ref: "obj-1" }]);
  assert.instance(back, ray.ObjectRef);
  assert.is((back as ray.ObjectRef).id, "obj-1");
});

test("ObjectRefs nested in objects, arrays, Maps and Sets all pass through the hooks", () => {
  const { codec, log } = makeCodec();
  const refs = ["a", "b", "c", "d"].map((id) => new ray.ObjectRef(id));
  const value = { x: refs[0], list: [1, refs[1]], map: new Map([["k", refs[2]]]), set: new Set([refs[3]]) };
  const back = codec.decode(codec.encode(value, "test")) as typeof value;
  assert.equal(log.encodedRefs.map((r) => r.id).sort(), ["a", "b", "c", "d"]);
  assert.is(back.x!.id, "a");
  assert.is((back.list[1] as ray.ObjectRef).id, "b");
  assert.is(back.map.get("k")!.id, "c");
  assert.is([...back.set][0]!.id, "d");
});

test("an ObjectRef reached twice is encoded once and arrives as one object", () => {
  const { codec, log } = makeCodec();
  const ref = new ray.ObjectRef("twice");
  const back = codec.decode(codec.encode([ref, { again: ref }], "test")) as [ray.ObjectRef, { again: ray.ObjectRef }];
  assert.is(log.encodedRefs.length, 1);
  assert.is(back[0], back[1].again);
});

test("an actor handle is written through encodeHandle and read back through decodeHandle", () => {
  const { codec, log } = makeCodec();
  const handle = new FakeHandle("actor-7");
  const back = codec.decode(codec.encode({ h: handle }, "test")) as { h: FakeHandle };
  assert.equal(log.encodedHandles, [handle]);
  assert.equal(log.decodedHandles, [{ actor: "actor-7" }]);
  assert.instance(back.h, ray.ActorHandle);
  assert.is(back.h.actorId, "actor-7");
});

test("a Proxy around an actor handle is recognised as a handle, even when it is callable", () => {
  const { codec, log } = makeCodec();
  const target = new FakeHandle("proxied");
  const objectProxy = new Proxy(target, {
    get: (t, key) => (key in t ? Reflect.get(t, key) : { remote: () => undefined }),
  });
  const fn = Object.setPrototypeOf(function handle() {}, FakeHandle.prototype) as object;
  Object.defineProperty(fn, "actorId", { value: "callable" });
  const callableProxy = new Proxy(fn, {});
  const back = codec.decode(codec.encode([objectProxy, callableProxy], "test")) as FakeHandle[];
  assert.is(log.encodedHandles.length, 2);
  assert.equal(back.map((h) => h.actorId), ["proxied", "callable"]);
});

test("two codecs keep their own hooks, even when one's hook encodes with the other", () => {
  const inner = makeCodec();
  const outer = new codecModule.Codec({
    encodeRef: (ref) => ({ nested: inner.codec.encode({ viaInner: new ray.ObjectRef(`inner-${ref.id}`) }, "nested") }),
    decodeRef: (wire) => {
      const decoded = inner.codec.decode((wire as { nested: Uint8Array }).nested) as { viaInner: ray.ObjectRef };
      return new ray.ObjectRef(`outer(${decoded.viaInner.id})`);
    },
    encodeHandle: () => {
      throw new Error("no handles here");
    },
    decodeHandle: () => {
      throw new Error("no handles here");
    },
  });
  const back = outer.decode(outer.encode([new ray.ObjectRef("x"), new ray.ObjectRef("y")], "test")) as ray.ObjectRef[];
  assert.equal(back.map((r) => r.id), ["outer(inner-x)", "outer(inner-y)"]);
  assert.equal(inner.log.encodedRefs.map((r) => r.id), ["inner-x", "inner-y"]);
  assert.equal(inner.log.decodedRefs, [{ ref: "inner-x" }, { ref: "inner-y" }]);
});

test("a hook may encode and decode with its own codec while that codec is encoding or decoding", () => {
  let codec: InstanceType<typeof codecModule.Codec> | undefined;
  const self = () => codec!;
  codec = new codecModule.Codec({
    encodeRef: (ref) => self().encode({ id: ref.id, at: new Date(0) }, "nested"),
    decodeRef: (wire) => new ray.ObjectRef(`re-${(self().decode(wire as Uint8Array) as { id: string }).id}`),
    encodeHandle: () => null,
    decodeHandle: () => new FakeHandle("never"),
  });
  const value = { list: [new ray.ObjectRef("a"), { deeper: new ray.ObjectRef("b") }], tail: "end" };
  const back = codec.decode(codec.encode(value, "test")) as { list: [ray.ObjectRef, { deeper: ray.ObjectRef }]; tail: string };
  assert.is(back.list[0].id, "re-a");
  assert.is(back.list[1].deeper.id, "re-b");
  assert.is(back.tail, "end");
});

test("a hook that throws during encode surfaces as a SerializationError naming the location, with the cause", () => {
  const boom = new Error("ref table is closed");
  const codec = new codecModule.Codec({
    encodeRef: () => {
      throw boom;
    },
    decodeRef: () => new ray.ObjectRef("never"),
    encodeHandle: () => null,
    decodeHandle: () => new FakeHandle("never"),
  });
  const error = thrown(() => codec.encode({ r: new ray.ObjectRef("z") }, "argument 1 of f"), ray.SerializationError);
  assert.is(error.location, "argument 1 of f");
  assert.is(error.cause, boom);
  assert.match(error.message, "ref table is closed");
});

test("a tsray error thrown by a hook passes through unchanged", () => {
  const own = new ray.SerializationError("ActorHandle", "an ActorHandle that was not made by tsray cannot be sent");
  const codec = new codecModule.Codec({
    encodeRef: (r) => r.id,
    decodeRef: (w) => new ray.ObjectRef(String(w)),
    encodeHandle: () => {
      throw own;
    },
    decodeHandle: () => new FakeHandle("never"),
  });
  assert.is(thrown(() => codec.encode(new FakeHandle("h"), "ray.put"), ray.SerializationError), own);
});

test.run();
