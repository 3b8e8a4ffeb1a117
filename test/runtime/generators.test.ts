// Streaming generators (Ray's `ObjectRefGenerator`): a remote generator's values arrive one by one
// while it runs, with backpressure, errors at the failing yield, cancellation, static numReturns,
// actor generator methods, and generators consumed inside tasks and actors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync } from "node:fs";
import * as ray from "tsray";
import {
  attempts,
  count,
  countSync,
  crashAfterYield,
  crashBeforeYield,
  endless,
  failsAfterTwo,
  Fragile,
  gated,
  logged,
  plain,
  Pump,
  Signal,
  Streamer,
  sumInTask,
  throwsOnce,
} from "./remote-fns/generators.js";
import { rejection, thrown, until } from "./helpers.js";
import { cancelAfterFirst, consumeWithinBound, linesIn, scratchFiles, valuesOf } from "./generator-checks.js";

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "generators-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

const freshFile = scratchFiles("tsray-generators");

test("a remote async generator returns an ObjectRefGenerator of refs to its values, in order", async () => {
  const gen = count.remote(5);
  assert.instance(gen, ray.ObjectRefGenerator);
  const refs: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) {
    assert.instance(ref, ray.ObjectRef);
    refs.push(ref);
  }
  assert.equal(await ray.get(refs), [0, 1, 2, 3, 4]);
  assert.ok(gen.isFinished());
  assert.is(await ray.get(gen.completed()), 5, "completed() holds the number of values");
});

test("a sync generator streams the same way", async () => {
  assert.equal(await valuesOf(countSync.remote(4)), [0, 10, 20, 30]);
});

test("a generator that yields nothing ends the iteration at once", async () => {
  assert.equal(await valuesOf(count.remote(0)), []);
});

test("each ref is available as soon as its value is yielded, before the generator finishes", async () => {
  const signal = Signal.remote();
  const gen = gated.remote(signal);
  const first = await gen.next();
  assert.is(first.done, false);
  assert.is(await ray.get(first.value as ray.ObjectRef<string>), "first");
  const [, running] = await ray.wait([gen.completed()], { timeout: 0 });
  assert.is(running.length, 1, "the generator is still waiting for the signal");
  await ray.get(signal.send.remote());
  const second = await gen.next();
  assert.is(await ray.get(second.value as ray.ObjectRef<string>), "second");
  assert.is((await gen.next()).done, true);
});

test("with generatorBackpressureNumObjects the producer never runs more than the bound ahead of the consumer", async () => {
  const bound = 3;
  const log = freshFile("produced");
  const gen = logged.options({ generatorBackpressureNumObjects: bound }).remote(20, log);
  assert.is(await consumeWithinBound(gen, log, bound), 20);
  assert.is(linesIn(log), 20);
});

test("without a bound the same producer runs ahead of a consumer that takes nothing", async () => {
  const log = freshFile("unbounded");
  const gen = logged.remote(20, log);
  await ray.get(gen.completed());
  assert.is(linesIn(log), 20);
  assert.equal(await valuesOf(gen), Array.from({ length: 20 }, (_, i) => i));
});

test("a generator paused by backpressure does not hold up its actor's other calls", async () => {
  const log = freshFile("pump");
  const produced = () => linesIn(log);
  const pump = Pump.remote();
  const gen = pump.numbers.options({ generatorBackpressureNumObjects: 1 }).remote(5, log);
  await until(() => produced() >= 1, "the generator produced its first value");
  assert.is(await ray.get(pump.ping.remote()), "pong");
  assert.is(produced(), 1, "still paused: nothing was consumed");
  assert.equal(await valuesOf(gen), [0, 1, 2, 3, 4]);
});

test("leaving the loop early lets a bounded generator run to its end instead of pausing for ever", async () => {
  const log = freshFile("left");
  const gen = logged.options({ generatorBackpressureNumObjects: 2 }).remote(10, log);
  for await (const ref of gen) {
    assert.is(await ray.get(ref), 0);
    break;
  }
  assert.is(await ray.get(gen.completed()), 10);
});

test("generatorBackpressureNumObjects must be a positive integer or -1", () => {
  const e = thrown(() => logged.options({ generatorBackpressureNumObjects: 0 }), ray.InvalidArgumentError);
  assert.match(e.message, /generatorBackpressureNumObjects of logged\.options\(\) must be an integer ≥ 1/);
  thrown(() => logged.options({ generatorBackpressureNumObjects: 1.5 }), ray.InvalidArgumentError);
  logged.options({ generatorBackpressureNumObjects: -1 });
});

test("streaming options on a function that is not a generator are refused", () => {
  const e = thrown(() => plain.options({ numReturns: "streaming" } as never), ray.InvalidArgumentError);
  assert.match(e.message, /applies only to generator functions/);
  thrown(() => plain.options({ generatorBackpressureNumObjects: 2 }), ray.InvalidArgumentError);
});

test("an error mid-stream: the values before it arrive, then a ref whose get rejects with the TaskError", async () => {
  const gen = failsAfterTwo.remote();
  const refs: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) refs.push(ref);
  assert.is(refs.length, 3);
  assert.equal(await ray.get(refs.slice(0, 2)), [1, 2]);
  const e = await rejection(ray.get(refs[2]!), ray.TaskError);
  assert.is((e.cause as Error).name, "RangeError");
  assert.match((e.cause as Error).message, /third value is out of range/);
  await rejection(ray.get(gen.completed()), ray.TaskError);
});

test("cancelling the generator stops it in its worker and ends the iteration with TaskCancelledError", async () => {
  const closed = freshFile("closed");
  await cancelAfterFirst(endless.remote(closed), closed);
});

test("cancelling through one of its refs cancels the whole generator", async () => {
  const closed = freshFile("closed-by-ref");
  const gen = endless.remote(closed);
  const first = await gen.next();
  ray.cancel(first.value as ray.ObjectRef<number>);
  await rejection(ray.get(gen.completed()), ray.TaskCancelledError);
  await until(() => existsSync(closed), "the generator was ended");
});

test("a cancel racing with a generator's start, its first value or its end still ends the iteration", async () => {
  const s = Streamer.remote("r");
  const makers: Array<[string, () => ray.ObjectRefGenerator<unknown>]> = [
    ["count(1)", () => count.remote(1)],
    ["countSync(3)", () => countSync.remote(3)],
    ["Streamer.words(2)", () => s.words.remote(2)],
  ];
  // Each a different point: before the call leaves the owner, a microtask or a turn later, after its first value.
  const points: Array<[string, (gen: ray.ObjectRefGenerator<unknown>) => Promise<unknown>]> = [
    ["at once", async () => undefined],
    ["after a microtask", () => Promise.resolve()],
    ["after a turn", () => new Promise((r) => setImmediate(r))],
    ["after its first value", (gen) => gen.next()],
  ];
  for (let round = 0; round < 5; round++) {
    for (const [name, make] of makers) {
      for (const [when, wait] of points) {
        const gen = make();
        await wait(gen);
        ray.cancel(gen);
        // Ends: its values (if it finished before the cancel) or a last ref rejecting with TaskCancelledError.
        const out: string[] = [];
        for await (const ref of gen) out.push(await ray.get(ref).then(() => "value", (e: Error) => e.name));
        const last = out[out.length - 1];
        assert.ok(last === "value" || last === "TaskCancelledError", `${name} cancelled ${when}: ${out.join(", ")}`);
      }
    }
  }
});

test("numReturns: N with a generator gives exactly N ordinary refs", async () => {
  const refs = countSync.options({ numReturns: 3 }).remote(3);
  assert.is(refs.length, 3);
  assert.equal(await ray.get(refs), [0, 10, 20]);
  const one = countSync.options({ numReturns: 1 }).remote(1);
  assert.instance(one, ray.ObjectRef);
  assert.is(await ray.get(one), 0);
});

test("numReturns: N with a generator that yields another count is a clear error", async () => {
  const fewer = countSync.options({ numReturns: 3 }).remote(2);
  const e = await rejection(ray.get(fewer[0]), ray.TaskError);
  assert.match((e.cause as Error).message, /numReturns 3 but yielded 2 values/);
  const more = count.options({ numReturns: 2 }).remote(5);
  const e2 = await rejection(ray.get(more[1]), ray.TaskError);
  assert.match((e2.cause as Error).message, /numReturns 2 but yielded more than 2 values/);
});

test('numReturns: "streaming" given explicitly streams as the default does', async () => {
  assert.equal(await valuesOf(count.options({ numReturns: "streaming" }).remote(3)), [0, 1, 2]);
});

test("a generator whose worker died before it yielded anything is retried", async () => {
  const marker = freshFile("crash-before");
  assert.equal(await valuesOf(crashBeforeYield.remote(marker)), [1, 2, 3]);
});

test("a generator whose worker died after it yielded is not retried: its values, then WorkerCrashedError", async () => {
  const marker = freshFile("crash-after");
  const refs: ray.ObjectRef<string>[] = [];
  for await (const ref of crashAfterYield.remote(marker)) refs.push(ref);
  assert.is(refs.length, 2);
  assert.is(await ray.get(refs[0]!), "before the crash");
  const e = await rejection(ray.get(refs[1]!), ray.WorkerCrashedError);
  assert.match(e.message, /a generator that has yielded values is not run again/);
  assert.not.match(e.message, /Raise maxRetries/);
  assert.is(attempts(marker), 1);
});

test("a generator in a child-process worker streams too, with backpressure", async () => {
  const gen = count.options({ isolation: "process", generatorBackpressureNumObjects: 2 }).remote(6);
  assert.equal(await valuesOf(gen), [0, 1, 2, 3, 4, 5]);
});

test("retryExceptions retries a generator that threw before yielding, not one that threw after", async () => {
  const retried = throwsOnce.options({ retryExceptions: ["TypeError"] });
  const early = freshFile("throws-early");
  assert.equal(await valuesOf(retried.remote(early, true)), ["a value", "another value"]);
  assert.is(attempts(early), 2);
  const late = freshFile("throws-late");
  const refs: ray.ObjectRef<string>[] = [];
  for await (const ref of retried.remote(late, false)) refs.push(ref);
  assert.is(await ray.get(refs[0]!), "a value");
  const e = await rejection(ray.get(refs[1]!), ray.TaskError);
  assert.match((e.cause as Error).message, /after a value/);
  assert.is(attempts(late), 1);
});

test("an actor generator method that yielded is not retried when its actor dies; the actor restarts", async () => {
  const actor = Fragile.remote();
  const marker = freshFile("actor-crash");
  const refs: ray.ObjectRef<string>[] = [];
  for await (const ref of actor.crashAfterOne.remote(marker)) refs.push(ref);
  assert.is(await ray.get(refs[0]!), "before the crash");
  await rejection(ray.get(refs[1]!), ray.ActorDiedError);
  assert.is(attempts(marker), 1, "maxTaskRetries did not run it again");
  assert.ok(await ray.get(actor.alive.remote()));
});

test("concurrent next() calls get the values once each, in order", async () => {
  const gen = count.remote(3);
  const results = await Promise.all([gen.next(), gen.next(), gen.next(), gen.next()]);
  assert.equal(results.map((r) => r.done), [false, false, false, true]);
  assert.equal(await ray.get(results.slice(0, 3).map((r) => r.value as ray.ObjectRef<number>)), [0, 1, 2]);
});

test("a generator consumed inside a task streams to that task", async () => {
  assert.is(await ray.get(sumInTask.remote(10)), 45);
});

test("actor generator methods stream, sync and async, and take numReturns", async () => {
  const s = Streamer.remote("w");
  assert.equal(await valuesOf(s.words.remote(3)), ["w0", "w1", "w2"]);
  assert.equal(await valuesOf(s.slowWords.remote(2)), ["w0", "w1"]);
  assert.equal(await ray.get(s.words.options({ numReturns: 2 }).remote(2)), ["w0", "w1"]);
  assert.is(await ray.get(s.plain.remote()), "w", "other methods return one ref as before");
});

test("cancelling an actor generator method stops it; the actor goes on serving calls", async () => {
  const s = Streamer.remote("c");
  const closed = freshFile("actor-closed");
  await cancelAfterFirst(s.endless.remote(closed), closed);
  assert.is(await ray.get(s.plain.remote()), "c");
});

test("an actor consumes another actor's generator", async () => {
  const a = Streamer.remote("a");
  const b = Streamer.remote("b");
  assert.is(await ray.get(a.joined.remote(b, 3)), "b0 b1 b2");
});

test.run();
