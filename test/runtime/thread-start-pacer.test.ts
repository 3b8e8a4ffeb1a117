// The pacer of actor thread starts, without threads (node/thread-start-pacer.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
// Types from the source tree; the module relative to the compiled file (see test/codec/codec-under-test.ts).
import type * as PacerModule from "../../runtime/dist/node/thread-start-pacer.js";

const { ThreadStartPacer }: typeof PacerModule = await import(new URL("../../../runtime/dist/node/thread-start-pacer.js", import.meta.url).href);

/** One turn of the event loop (the pacer grants on `setImmediate`). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Turns asked for, with which of them have been granted so far. */
function line(pacer: PacerModule.ThreadStartPacer, n: number) {
  const granted: number[] = [];
  const turns = Array.from({ length: n }, (_, i) => {
    const t = pacer.turn();
    void t.granted.then(() => granted.push(i));
    return t;
  });
  return { turns, granted };
}

test("no turn is granted synchronously, and at most one per turn of the event loop", async () => {
  const { granted } = line(new ThreadStartPacer(10), 3);
  await Promise.resolve();
  assert.equal(granted, [], "asking for a turn must not start a thread");
  await nextTurn();
  assert.equal(granted, [0]);
  await nextTurn();
  assert.equal(granted, [0, 1]);
  await nextTurn();
  assert.equal(granted, [0, 1, 2]);
});

test("no more than maxBooting threads are granted and not yet booted; a boot frees a slot", async () => {
  const { turns, granted } = line(new ThreadStartPacer(2), 4);
  for (let i = 0; i < 5; i++) await nextTurn();
  assert.equal(granted, [0, 1]);
  turns[1]!.booted();
  for (let i = 0; i < 3; i++) await nextTurn();
  assert.equal(granted, [0, 1, 2]);
  turns[0]!.booted();
  turns[0]!.booted(); // idempotent: frees one slot, not two
  for (let i = 0; i < 3; i++) await nextTurn();
  assert.equal(granted, [0, 1, 2, 3]);
});

test("a turn withdrawn before its grant is skipped, settles, and takes no slot", async () => {
  const { turns, granted } = line(new ThreadStartPacer(1), 3);
  turns[1]!.booted(); // the thread was terminated before it started
  await nextTurn();
  await nextTurn();
  assert.ok(granted.includes(1), "a withdrawn turn still settles, so its waiter sees the thread is gone");
  assert.ok(!granted.includes(2), "the withdrawn turn took no slot: the second thread still waits for the first");
  turns[0]!.booted();
  for (let i = 0; i < 3; i++) await nextTurn();
  assert.ok(granted.includes(2));
});

test.run();
