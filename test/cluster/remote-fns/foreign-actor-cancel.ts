// Tasks of the foreign-actor-cancel suite: run on node processes, they call an actor the driver
// owns (so their calls go through owner/foreign-actor-calls.ts) and cancel those calls with
// ray.cancel. No top-level side effects: workers import this. They report through files and
// their results; they wait for files, never for time.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ray from "tsray";
import { waitForFile } from "../../runtime/remote-fns/basic.js";
import { Waiter } from "../../runtime/remote-fns/cancellation.js";
import { Stream } from "./remote-actor-generators.js";

type WaiterHandle = ray.ActorHandle<InstanceType<typeof Waiter>>;

async function untilExists(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 5));
}

/**
 * How `ref` ended: its value, or its error's class name; `pending` if it had not settled within
 * 15 s (a cancel that did not reach it: the test fails instead of hanging).
 */
export async function outcome(ref: ray.ObjectRef<unknown>): Promise<string> {
  const [ready] = await ray.wait([ref], { timeout: 15 });
  if (ready.length === 0) return "pending";
  return ray.get(ref).then(
    (v) => String(v),
    (e: unknown) => (e as Error).name,
  );
}

/** Calls `w.wait(id)`, cancels it once it runs, and says where this task ran and how the call's ref ended. */
export const cancelRunning = ray.remote(async function cancelRunning(w: WaiterHandle, dir: string, id: string): Promise<{ caller: string; cancelled: string }> {
  const ref = w.wait.remote(id);
  await untilExists(join(dir, `started-${id}`));
  ray.cancel(ref);
  return { caller: ray.getRuntimeContext().nodeId, cancelled: await outcome(ref) };
});

/**
 * Holds `w` (maxConcurrency 1) with `wait(id)`, makes `echo(2)` (sent: it waits at the actor
 * behind the first) and cancels it, releases the first from the actor's own thread (after the
 * cancel reached it), then calls `echo(3)`.
 */
export const cancelQueuedAtActor = ray.remote(async function cancelQueuedAtActor(w: WaiterHandle, dir: string, id: string): Promise<{ cancelled: string; first: string; after: string }> {
  const first = w.wait.remote(id);
  await untilExists(join(dir, `started-${id}`));
  const second = w.echo.remote(2);
  ray.cancel(second);
  const cancelled = await outcome(second);
  await ray.get(w.release.options({ concurrencyGroup: "control" }).remote(id));
  return { cancelled, first: await outcome(first), after: await outcome(w.echo.remote(3)) };
});

/** Makes `echo(arg)` with `arg` not ready (a task waiting for `gate`: the call stays in this task's process), cancels it, opens the gate, then calls `echo(6)`. */
export const cancelQueuedHere = ray.remote(async function cancelQueuedHere(w: WaiterHandle, dir: string): Promise<{ cancelled: string; arg: number; after: string }> {
  const gate = join(dir, "gate");
  const arg = waitForFile.options({ numCpus: 0 }).remote(gate, 5);
  const queued = w.echo.remote(arg);
  ray.cancel(queued);
  const cancelled = await outcome(queued);
  writeFileSync(gate, "");
  return { cancelled, arg: await ray.get(arg), after: await outcome(w.echo.remote(6)) };
});

/**
 * Creates a named, detached Waiter on node `nodeId`, owned by the node process this task runs on
 * (so the driver reaches it with ray.getActor as a caller that does not own it), once it is up.
 */
export const createNamedWaiter = ray.remote(async function createNamedWaiter(name: string, namespace: string, dir: string, nodeId: string): Promise<void> {
  const options = { name, namespace, lifetime: "detached", numCpus: 0, concurrencyGroups: { control: 1 }, schedulingStrategy: { nodeId, soft: false } } as const;
  const w = Waiter.options(options).remote(dir);
  await ray.get(w.release.options({ concurrencyGroup: "control" }).remote("up"));
});

/**
 * Takes the first value of `stream.endless(closed)`, cancels the generator, and drains it: the
 * first value, how many refs came after the cancel (at most 5,000 are taken: a cancel that did not
 * reach it would go on for ever) and how the last one ended.
 */
export const cancelStreamAfterFirst = ray.remote(async function cancelStreamAfterFirst(
  stream: ray.ActorHandle<InstanceType<typeof Stream>>,
  closed: string,
): Promise<{ first: number; after: number; last: string }> {
  const gen = stream.endless.remote(closed);
  const first = await ray.get((await gen.next()).value as ray.ObjectRef<number>);
  ray.cancel(gen);
  const rest: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) if (rest.push(ref) >= 5_000) break;
  return { first, after: rest.length, last: await outcome(rest[rest.length - 1]!) };
});
