// @ray.method({ numReturns, concurrencyGroup }) and the concurrencyGroups actor option
// (issue 13), in the style of Ray's test_actor_multiple_returns / test_concurrency_group.
// These suites compile without the transform, so multi-return calls are cast here; the
// transform's typing is covered by test/transformer (type-checks).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import * as ray from "tsray";
import { Grouped, Hand, Pairs, Undeclared } from "./remote-fns/method-options.js";
import { Streamer } from "./remote-fns/generators.js";
import { holdSignals, rejection, thrown, untilExists } from "./helpers.js";

const signals = holdSignals("tsray-method-options-");
let dir = "";
const started = (id: string) => untilExists(join(dir, `started-${id}`));
const isStarted = (id: string) => signals.isStarted(id);
const release = (id: string) => signals.release(id);
const refs = (r: unknown) => r as ray.ObjectRef<unknown>[];

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.before.each(() => {
  signals.fresh();
  dir = signals.dir;
});
test.after(async () => {
  await ray.shutdown();
});

test("a method with numReturns: 2 returns two refs, one per element", async () => {
  const p = Pairs.remote();
  const out = refs(p.pair.remote(3));
  assert.is(out.length, 2);
  assert.equal(await ray.get(out), [6, "n3"]);
  assert.equal(await ray.get(refs(p.triple.remote())), [1, 2, 3]);
});

test("a method without options still returns one ref for its array", async () => {
  const p = Pairs.remote();
  assert.equal(await ray.get(p.plain.remote()), [4, 5]);
});

test(".options({ numReturns }) on a call overrides the method's own", async () => {
  const p = Pairs.remote();
  assert.equal(await ray.get(p.pair.options({ numReturns: 1 }).remote(5)), [10, "n5"]);
});

test("a handle passed to another actor keeps its methods' numReturns", async () => {
  const p = Pairs.remote();
  const q = Pairs.remote();
  assert.is(await ray.get(q.viaHandle.remote(p)), 42);
});

test("a handle from ray.getActor keeps its methods' numReturns and generator methods", async () => {
  Pairs.options({ name: "pairs-by-name" }).remote();
  const p = await ray.getActor<InstanceType<typeof Pairs>>("pairs-by-name");
  const pair = refs(p.pair.remote(4));
  assert.is(pair.length, 2, "two refs, as from the creator's handle");
  assert.equal(await ray.get(pair), [8, "n4"]);
  Streamer.options({ name: "streamer-by-name" }).remote("w");
  const s = await ray.getActor<InstanceType<typeof Streamer>>("streamer-by-name");
  const words: string[] = [];
  for await (const ref of s.words.remote(3)) words.push(await ray.get(ref));
  assert.equal(words, ["w0", "w1", "w2"]);
  ray.kill(p);
  ray.kill(s);
});

test("ray.method(options)(Cls.prototype, name) sets a method's options without decorators", async () => {
  const h = Hand.remote();
  assert.equal(await ray.get(refs(h.two.remote())), ["a", "b"]);
});

test("@ray.method refuses unknown options and a bad numReturns at once", () => {
  assert.match(thrown(() => ray.method({ numReturns: 0 }), ray.InvalidArgumentError).message, "numReturns");
  assert.match(thrown(() => ray.method({ concurency: "io" } as never), ray.InvalidArgumentError).message, "concurency");
  assert.match(thrown(() => ray.method({})(Hand.prototype, "nope"), ray.InvalidArgumentError).message, "no method nope");
});

test("a blocked concurrency group does not block another group (test_blocking_group_does_not_block_others)", async () => {
  const g = Grouped.remote(dir);
  const io1 = g.io.remote("io1");
  await started("io1");
  const io2 = g.io.remote("io2");
  // io has a limit of 1 and io1 holds it; compute runs beside it.
  const c1 = g.compute.remote("c1");
  await started("c1");
  release("c1");
  assert.is(await ray.get(c1), "c1");
  assert.is(isStarted("io2"), false, "io2 waits for io1: its group's limit is 1");
  release("io1");
  await started("io2");
  release("io2");
  assert.equal(await ray.get([io1, io2]), ["io1", "io2"]);
});

test("the default group keeps maxConcurrency and does not block a named group", async () => {
  const g = Grouped.remote(dir);
  const p1 = g.plain.remote("p1");
  await started("p1");
  const p2 = g.plain.remote("p2");
  const c = g.compute.remote("c");
  await started("c");
  release("c");
  assert.is(await ray.get(c), "c");
  assert.is(isStarted("p2"), false, "maxConcurrency 1: p2 waits for p1");
  release("p1");
  release("p2");
  assert.equal(await ray.get([p1, p2]), ["p1", "p2"]);
});

test(".options({ concurrencyGroup }) runs one call in another group", async () => {
  const g = Grouped.remote(dir);
  const io1 = g.io.remote("io1");
  await started("io1");
  // io is full; sent to compute this call starts at once.
  const moved = g.io.options({ concurrencyGroup: "compute" }).remote("moved");
  await started("moved");
  release("moved");
  release("io1");
  assert.equal(await ray.get([moved, io1]), ["moved", "io1"]);
});

test("a call naming a group the actor does not have fails with a clear error", async () => {
  const g = Grouped.remote(dir);
  const e = await rejection(ray.get(g.plain.options({ concurrencyGroup: "gpu" }).remote("x")), ray.TaskError);
  assert.match(e.message, 'no concurrency group "gpu"');
});

test("a method in a group its actor does not declare is refused at .remote()", () => {
  const e = thrown(() => Undeclared.remote(), ray.InvalidArgumentError);
  assert.match(e.message, 'Undeclared.io runs in concurrency group "io"');
  assert.ok(Undeclared.options({ concurrencyGroups: { io: 1 } }).remote() instanceof ray.ActorHandle);
});

test("concurrencyGroups is validated", () => {
  thrown(() => Grouped.options({ concurrencyGroups: { io: 0 } }), ray.InvalidArgumentError);
  thrown(() => Grouped.options({ concurrencyGroups: { io: 1.5 } }), ray.InvalidArgumentError);
  thrown(() => Grouped.options({ concurrencyGroups: [] as never }), ray.InvalidArgumentError);
  thrown(() => Grouped.options({ concurrencyGroups: { "": 1 } }), ray.InvalidArgumentError);
});

test.run();
