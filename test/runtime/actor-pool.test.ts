import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { Doubler } from "./remote-fns/pool-workers.js";
import { rejection, thrown, untilExists } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tsray-pool-"));
let gateCount = 0;
/** A fresh file path a `doubleWhen` call waits for; `open(path)` lets it finish. */
const gate = () => join(dir, `gate-${gateCount++}`);
const open = (path: string) => writeFileSync(path, "");

const pair = () => [Doubler.remote(), Doubler.remote()];

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "actor-pool-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

test("map yields every result in the order of the values", async () => {
  const pool = new ray.ActorPool(pair());
  const out: number[] = [];
  for await (const v of pool.map((a, x) => a.double.remote(x), [1, 2, 3, 4, 5])) out.push(v);
  assert.equal(out, [2, 4, 6, 8, 10]);
});

test("map keeps the order of the values when later ones finish first", async () => {
  const pool = new ray.ActorPool(pair());
  const gates = [gate(), gate()];
  const results = pool.map((a, i: number) => a.doubleWhen.remote(i, gates[i]!), [0, 1]);
  open(gates[1]!);
  await untilExists(`${gates[1]!}.done`);
  const first = results.next();
  open(gates[0]!);
  assert.equal((await first).value, 0);
  assert.equal((await results.next()).value, 2);
  assert.ok((await results.next()).done);
});

test("mapUnordered yields each result as it finishes", async () => {
  const pool = new ray.ActorPool(pair());
  const gates = [gate(), gate()];
  const results = pool.mapUnordered((a, i: number) => a.doubleWhen.remote(i + 1, gates[i]!), [0, 1]);
  open(gates[1]!);
  assert.equal((await results.next()).value, 4, "the second value finished first");
  open(gates[0]!);
  assert.equal((await results.next()).value, 2);
  assert.ok((await results.next()).done);
});

test("submit queues work beyond the number of actors and runs it as actors free up", async () => {
  const pool = new ray.ActorPool<InstanceType<typeof Doubler>, number>([Doubler.remote()]);
  pool.submit((a, v) => a.double.remote(v), 1);
  pool.submit((a, v) => a.double.remote(v), 2);
  assert.not.ok(pool.hasFree(), "one actor, busy, and a queued submission");
  assert.is(await pool.getNext(), 2);
  assert.ok(pool.hasNext(), "the queued submission started when the actor came back");
  assert.is(await pool.getNext(), 4);
  assert.not.ok(pool.hasNext());
  assert.ok(pool.hasFree());
});

test("getNext with nothing pending says to submit first", async () => {
  const pool = new ray.ActorPool(pair());
  const e = await rejection(pool.getNext(), ray.InvalidArgumentError);
  assert.match(e.message, /no results are pending/);
  await rejection(pool.getNextUnordered(), ray.InvalidArgumentError);
});

test("getNext after getNextUnordered is refused", async () => {
  const pool = new ray.ActorPool(pair());
  const gates = [gate(), gate()];
  pool.submit((a, i: number) => a.doubleWhen.remote(i, gates[i]!), 0);
  pool.submit((a, i: number) => a.doubleWhen.remote(i, gates[i]!), 1);
  open(gates[1]!);
  assert.is(await pool.getNextUnordered(), 2);
  const e = await rejection(pool.getNext(), ray.InvalidArgumentError);
  assert.match(e.message, /getNextUnordered/);
  open(gates[0]!);
  assert.is(await pool.getNextUnordered(), 0);
});

test("a getNext timeout leaves the result pending", async () => {
  const pool = new ray.ActorPool(pair());
  const g = gate();
  pool.submit((a, v: number) => a.doubleWhen.remote(v, g), 21);
  await rejection(pool.getNext({ timeout: 0.05 }), ray.GetTimeoutError);
  assert.ok(pool.hasNext());
  open(g);
  assert.is(await pool.getNext(), 42);
});

test("a getNext timeout with ignoreIfTimedout drops that result and frees its actor", async () => {
  const pool = new ray.ActorPool([Doubler.remote()]);
  const g = gate();
  pool.submit((a, v: number) => a.doubleWhen.remote(v, g), 1);
  assert.not.ok(pool.hasFree());
  const e = await rejection(pool.getNext({ timeout: 0.05, ignoreIfTimedout: true }), ray.GetTimeoutError);
  assert.match(e.message, /dropped/);
  assert.not.ok(pool.hasNext());
  assert.ok(pool.hasFree());
  open(g);
});

test("a getNextUnordered timeout throws and keeps the work pending", async () => {
  const pool = new ray.ActorPool(pair());
  const g = gate();
  pool.submit((a, v: number) => a.doubleWhen.remote(v, g), 5);
  await rejection(pool.getNextUnordered({ timeout: 0.05 }), ray.GetTimeoutError);
  open(g);
  assert.is(await pool.getNextUnordered(), 10);
});

test("popIdle takes a free actor out and push gives it back", async () => {
  const pool = new ray.ActorPool([Doubler.remote()]);
  const a = pool.popIdle();
  assert.ok(a !== undefined);
  assert.not.ok(pool.hasFree());
  assert.is(pool.popIdle(), undefined);
  pool.push(a);
  assert.ok(pool.hasFree());
  assert.is(await ray.get(a.double.remote(3)), 6);
});

test("push starts queued work on the new actor at once", async () => {
  const pool = new ray.ActorPool<InstanceType<typeof Doubler>, number>([]);
  pool.submit((a, v) => a.double.remote(v), 7);
  assert.not.ok(pool.hasNext(), "no actor yet: the submission waits");
  pool.push(Doubler.remote());
  assert.ok(pool.hasNext());
  assert.is(await pool.getNext(), 14);
});

test("pushing an actor the pool already has is refused", () => {
  const a = Doubler.remote();
  const pool = new ray.ActorPool([a]);
  const e = thrown(() => pool.push(a), ray.InvalidArgumentError);
  assert.match(e.message, /already belongs/);
});

test("map drops the results of earlier submissions not yet returned", async () => {
  const pool = new ray.ActorPool(pair());
  pool.submit((a, v: number) => a.double.remote(v), 100);
  const out: number[] = [];
  for await (const v of pool.map((a, x) => a.double.remote(x), [1, 2])) out.push(v);
  assert.equal(out, [2, 4]);
});

test("a failing call surfaces as its TaskError from getNext and frees its actor", async () => {
  const pool = new ray.ActorPool<InstanceType<typeof Doubler>, number>([Doubler.remote()]);
  pool.submit((a, v) => a.failOn.remote(v), 1);
  const e = await rejection(pool.getNext(), ray.TaskError);
  assert.match(e.message, /no double for 1/);
  assert.ok(pool.hasFree());
});

test("an actor that died is dropped from the pool and queued work goes to the others", async () => {
  const pool = new ray.ActorPool<InstanceType<typeof Doubler>, number>([Doubler.remote()]);
  pool.submit((a) => a.die.remote(), 0);
  pool.submit((a, v) => a.double.remote(v), 5);
  await rejection(pool.getNext(), ray.ActorDiedError);
  assert.not.ok(pool.hasFree(), "the dead actor was not returned");
  assert.not.ok(pool.hasNext(), "the queued submission waits for a live actor");
  pool.push(Doubler.remote());
  assert.is(await pool.getNext(), 10);
});

test.run();
