// An ObjectRefGenerator cannot be passed to another task or actor, returned or put (as in Ray,
// whose ObjectRefGenerator refuses to be serialized): it is its caller's iterator over values its
// caller's runtime owns. Each refusal is a SerializationError that says why and what to send
// instead; the refs it gives out are ordinary refs and go anywhere.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { count } from "./remote-fns/generators.js";
import { returnsGenerator, Sink, takes, total } from "./remote-fns/generator-passing.js";
import { rejection, thrown } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 1, namespace: "generator-passing" });
});
test.after(async () => {
  await ray.shutdown();
});

/** The refusal's message names the generator, says why, and says what to send instead. */
function assertExplains(e: Error): void {
  assert.match(e.message, /ObjectRefGenerator/);
  assert.match(e.message, /cannot be sent to another task or actor/);
  assert.match(e.message, /send the refs it gives out .* or gen\.completed\(\)/);
  assert.not.match(e.message, /registerSerializable/, "registering it is no way out");
}

test("passing an ObjectRefGenerator to a task is refused at .remote() with a SerializationError that says what to send", async () => {
  const gen = count.remote(3);
  const e = thrown(() => takes.remote(gen), ray.SerializationError);
  assertExplains(e);
  assert.match(e.message, /argument 1 of takes/);
  // Nothing was consumed: the caller still iterates it.
  const values: number[] = [];
  for await (const ref of gen) values.push(await ray.get(ref));
  assert.equal(values, [0, 1, 2]);
});

test("an ObjectRefGenerator inside an actor call's argument is refused the same way", async () => {
  const sink = Sink.remote();
  const gen = count.remote(1);
  assertExplains(thrown(() => sink.keep.remote({ stream: gen }), ray.SerializationError));
  assert.is(await ray.get(sink.keep.remote("plain data")), "kept");
});

test("ray.put of an ObjectRefGenerator is refused", () => {
  assertExplains(thrown(() => ray.put([count.remote(1)]), ray.SerializationError));
});

test("a task that returns an ObjectRefGenerator fails with the refusal", async () => {
  const e = await rejection(ray.get(returnsGenerator.remote(2)), ray.TaskError);
  assertExplains(e);
});

test("registering ObjectRefGenerator as serializable is refused", () => {
  const e = thrown(() => ray.registerSerializable(ray.ObjectRefGenerator), ray.InvalidArgumentError);
  assert.match(e.message, /ObjectRefGenerator cannot be made serializable: an ObjectRefGenerator is its caller's iterator/);
});

test("the refs a generator gives out are ordinary refs: they can be passed on as they come", async () => {
  const refs: ray.ObjectRef<number>[] = [];
  for await (const ref of count.remote(5)) refs.push(ref);
  assert.is(await ray.get(total.remote(refs)), 0 + 1 + 2 + 3 + 4);
});

test.run();
