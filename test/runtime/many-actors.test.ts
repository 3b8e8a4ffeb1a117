import { test } from "uvu";
import * as assert from "uvu/assert";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { availableParallelism } from "node:os";
import * as ray from "tsray";
import { BrokenCell, Cell, CpuCell, SharedCell } from "./remote-fns/many-actors.js";
import { rejection, thrown } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "many-actors-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

test("Cls.remote() returns for 200 actors before any of their threads is created", async () => {
  let created = 0;
  const count = () => created++;
  subscribe("worker_threads", count);
  const handles: ray.ActorHandle<InstanceType<typeof Cell>>[] = [];
  try {
    for (let i = 0; i < 200; i++) handles.push(Cell.remote(i));
    assert.is(created, 0, "no thread may start inside Cls.remote()");
  } finally {
    unsubscribe("worker_threads", count);
  }
  // The first actor's thread starts on a later turn and answers; the rest are let go before they boot.
  assert.is(await ray.get(handles[0]!.get.remote()), 0);
  for (const h of handles) ray.kill(h);
});

test("1,000 shared actors are created and each answers its first call", async () => {
  const handles = Array.from({ length: 1000 }, (_, i) => SharedCell.remote(i));
  const values = await ray.get(handles.map((h) => h.add.remote(1)));
  assert.equal(values, Array.from({ length: 1000 }, (_, i) => i + 1));
  const threads = new Set((await ray.get(handles.map((h) => h.whoAmI.remote()))).map((c) => c.workerId));
  assert.ok(threads.size <= Math.ceil(1000 / 32) + availableParallelism(), `${threads.size} threads host 1,000 shared actors`);
  for (const h of handles) ray.kill(h);
});

test("each shared actor sees its own id in getRuntimeContext()", async () => {
  const handles = Array.from({ length: availableParallelism() + 1 }, (_, i) => SharedCell.remote(i));
  // More actors than the threads they spread over: some share one, and each still sees its own id.
  const ids = (await ray.get(handles.map((h) => h.whoAmI.remote()))).map((c) => c.actorId);
  assert.ok(ids.every((id) => id !== undefined));
  assert.is(new Set(ids).size, handles.length);
  assert.equal((await ray.get(handles.map((h) => h.whoAmI.remote()))).map((c) => c.actorId), ids);
  for (const h of handles) ray.kill(h);
});

/** Two shared actors on the same thread (more actors than the threads they first spread over). */
async function threadMates(): Promise<[ray.ActorHandle<InstanceType<typeof Cell>>, ray.ActorHandle<InstanceType<typeof Cell>>, () => void]> {
  const handles = Array.from({ length: availableParallelism() + 1 }, (_, i) => SharedCell.remote(i));
  const workers = (await ray.get(handles.map((h) => h.whoAmI.remote()))).map((c) => c.workerId);
  const i = workers.findIndex((w, k) => workers.indexOf(w) !== k);
  const j = workers.indexOf(workers[i]!);
  return [handles[j]!, handles[i]!, () => handles.forEach((h) => ray.kill(h))];
}

test("killing one shared actor leaves its thread-mates working", async () => {
  const [victim, mate, cleanup] = await threadMates();
  ray.kill(victim);
  await rejection(ray.get(victim.get.remote()), ray.ActorDiedError);
  assert.is(await ray.get(mate.add.remote(10)), (await ray.get(mate.get.remote())));
  const before = await ray.get(mate.get.remote());
  assert.is(await ray.get(mate.add.remote(1)), before + 1, "the mate keeps its state");
  cleanup();
});

test("a shared actor killed with restart comes back with fresh state on a shared thread", async () => {
  const cell = Cell.options({ hosting: "shared", maxRestarts: 1 }).remote(5);
  assert.is(await ray.get(cell.add.remote(1)), 6);
  ray.kill(cell, { noRestart: false });
  assert.is(await ray.get(cell.get.remote()), 5);
  ray.kill(cell);
});

test("a shared actor whose constructor throws dies alone", async () => {
  const mates = Array.from({ length: availableParallelism() }, (_, i) => SharedCell.remote(i));
  await ray.get(mates.map((h) => h.get.remote()));
  const broken = BrokenCell.options({ hosting: "shared" }).remote();
  const error = await rejection(ray.get(broken.get.remote()), ray.ActorDiedError);
  assert.match(error.message, /no such cell/);
  assert.equal(await ray.get(mates.map((h) => h.get.remote())), mates.map((_, i) => i));
  for (const h of mates) ray.kill(h);
});

test("a crash of a shared thread takes down the actors on it, which restart if allowed", async () => {
  const cells = Array.from({ length: availableParallelism() + 1 }, (_, i) => Cell.options({ hosting: "shared", maxRestarts: 1 }).remote(i));
  const workers = (await ray.get(cells.map((h) => h.whoAmI.remote()))).map((c) => c.workerId);
  const i = workers.findIndex((w, k) => workers.indexOf(w) !== k);
  const j = workers.indexOf(workers[i]!);
  await rejection(ray.get(cells[j]!.crash.remote()), ray.ActorDiedError);
  // Its thread-mate was restarted too: fresh state from its constructor arguments.
  assert.is(await ray.get(cells[i]!.add.remote(100)), i + 100);
  for (const h of cells) ray.kill(h);
});

test("hosting: shared with numCpus or numGpus above 0 is refused, naming the option", () => {
  const e = thrown(() => Cell.options({ hosting: "shared", numCpus: 1 }), ray.InvalidArgumentError);
  assert.match(e.message, /hosting: "shared".*numCpus: 1/);
  thrown(() => Cell.options({ hosting: "shared", numGpus: 0.5 }), ray.InvalidArgumentError);
  // Across the decorator's options and .options(): the merged result is checked.
  thrown(() => CpuCell.options({ hosting: "shared" }), ray.InvalidArgumentError);
  thrown(() => Cell.options({ hosting: "bunk" as "shared" }), ray.InvalidArgumentError);
  // numCpus: 0 asks for no CPU: allowed.
  Cell.options({ hosting: "shared", numCpus: 0 });
});

test("hosting: shared with isolation: process is refused, since a shared actor lives on a thread", () => {
  const e = thrown(() => Cell.options({ hosting: "shared", isolation: "process" }), ray.InvalidArgumentError);
  assert.match(e.message, /hosting: "shared".*isolation: "process"/);
});

test.run();
