// Streaming generators meeting issue 13's other features: an actor generator method in a
// concurrency group, cancelled through its call's AbortSignal; @ray.method({ numReturns }) on a
// generator method; a handle sent to a task keeping both methods' numReturns and its generators.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { Feed, useFeed } from "./remote-fns/generator-options.js";
import { rejection } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  await ray.shutdown();
});

test("a generator method in a concurrency group leaves the default group free, and ray.cancel aborts its signal", async () => {
  const feed = Feed.remote();
  const gen = feed.untilCancelled.remote();
  const first = await gen.next();
  assert.is(await ray.get(first.value as ray.ObjectRef<number>), 1);
  // The generator holds `io` while it waits; the default group (maxConcurrency 1) still serves.
  assert.is(await ray.get(feed.ping.remote()), "pong");
  const heard = feed.heardAbort.remote();
  ray.cancel(gen);
  assert.is(await ray.get(heard), true, "the running generator's signal aborted");
  const rest: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) rest.push(ref);
  await rejection(ray.get(rest[rest.length - 1]!), ray.TaskCancelledError);
});

test("@ray.method({ numReturns: 2 }) on a generator method gives two refs, one per value", async () => {
  const feed = Feed.remote();
  const refs = feed.pair.remote() as unknown as ray.ObjectRef<string>[];
  assert.is(refs.length, 2);
  assert.equal(await ray.get(refs), ["left", "right"]);
});

test("a handle sent to a task keeps its methods' numReturns and its generator methods", async () => {
  const feed = Feed.remote();
  assert.equal(await ray.get(useFeed.remote(feed)), ["left", "right", "w0", "w1"]);
});

test.run();
