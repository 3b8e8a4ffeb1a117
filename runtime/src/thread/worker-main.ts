/**
 * Entry point of every tsray worker thread. Wires the thread side: codec,
 * task context, the thread's `Core` (so the public API works inside tasks and
 * actors), log forwarding, and the executor or actor host; then dispatches
 * the driver's messages. Imports nothing of the driver side.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Codec, fromWireError, toWireError } from "../codec/index.js";
import { installCore } from "../api/core.js";
import { compactCodec } from "../protocol/encoded-values.js";
import { createWireHooks } from "../codec/wire-hooks.js";
import type { HostedActors } from "./hosted-actors.js";
import { MessageBatcher } from "../protocol/message-batcher.js";
import type { Connection } from "../protocol/connection.js";
import { ParentPortConnection } from "../transport/thread-port-connection.js";
import { ProcessConnection } from "../transport/child-process-connection.js";
import { threadRegistry } from "../api/function-registry.js";
import { installLogForwarder } from "./log-forwarder.js";
import { unreachable, type FromWorker, type ToWorker, type TsrayWorkerData } from "../protocol/thread-messages.js";
import type { WireError } from "../common/task-spec.js";
import { createTaskContextStorage } from "./task-context.js";
import { WORKER_DATA_ENV } from "../protocol/worker-data-env.js";
import { TaskCancelledError } from "../common/errors.js";
import { userFramesFirst } from "../common/user-frames-first.js";
import { TaskExecutor } from "./task-executor.js";
import { ThreadCore, type ErrorCodec } from "./thread-core.js";
import { ThreadSlabViews } from "./thread-slab-views.js";
import { registerInheritedLoaders } from "./inherited-loaders.js";

// Before any user module is imported: remote code loads here as it does in the driver (`--import tsx`).
await registerInheritedLoaders();

/** The driver's end: the thread's port, or the IPC channel of a child-process worker (see worker-client.ts). */
type DriverConnection = Connection<readonly FromWorker[], readonly ToWorker[]>;

const data = (parentPort !== null ? workerData : JSON.parse(process.env[WORKER_DATA_ENV] ?? "null")) as TsrayWorkerData;
const driver: DriverConnection = parentPort !== null ? new ParentPortConnection(parentPort) : new ProcessConnection();
// Not open: the driver is gone, and nothing it asked for can be answered.
const out = new MessageBatcher<FromWorker>((batch, transfer) => {
  if (driver.state === "open") driver.send(batch, transfer);
});
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => out.post(m, transfer);
// A call that ends the worker (`process.exit()`) must not take the results of the calls that finished
// before it in the same turn with it: they are still batched. 'exit' runs synchronously before the
// thread (or process) stops, and what it posts is delivered: the driver drains a thread's port before
// it reports the exit, and reports a child process's exit only after its IPC channel closed.
process.on("exit", () => out.flushNow());
const slabViews = new ThreadSlabViews(post);
// Refs this thread encodes have escaped (see common/reference-counter.ts); actor handles it encodes and
// decodes are counted (handle-borrows.ts); `core` exists by the time any value is encoded or decoded.
// Views this thread decodes of the driver's slabs are tracked until collected (thread-slab-views.ts).
const codec = compactCodec(
  new Codec(
    createWireHooks({
      encodedRef: (id) => core.refs.escape(id),
      encodedHandle: (actorId) => core.borrows.encoded(actorId),
      decodedHandle: (handle, actorId) => core.borrows.held(handle, actorId),
    }),
  ),
  slabViews,
);
const errors: ErrorCodec = {
  toWire: (e: unknown): WireError => toWireError(e),
  fromWire: (w: WireError): Error => userFramesFirst(fromWireError(w as Parameters<typeof fromWireError>[0])),
};
const context = createTaskContextStorage();
const core = new ThreadCore(post, codec, errors, data, context);
installCore(core);
// Threads share memory with the driver, so they can block on a synchronous query; child processes cannot.
if (parentPort !== null) core.enableSyncQueries(() => out.flushNow());
installLogForwarder(console, context, data.actorId !== undefined || data.sharedActors === true ? "actor" : "worker", post);
const executor = new TaskExecutor(threadRegistry, codec, errors, context, post, core.borrows);
// Only a thread that hosts actors (its own, or shared ones) loads the actor host (pool threads start with one
// module less); messages wait in the port until the listener below is attached.
async function loadActorHost(): Promise<HostedActors> {
  const [{ HostedActors }, { ActorHost }] = await Promise.all([import("./hosted-actors.js"), import("./actor-host.js")]);
  return new HostedActors(() => new ActorHost(threadRegistry, codec, errors, context, post, executor));
}
const actors: HostedActors | undefined = data.actorId !== undefined || data.sharedActors === true ? await loadActorHost() : undefined;
if (actors !== undefined) core.onExitActor = (actorId) => actors.exitAfterCurrent(actorId);

// What handling a batch posts (results of sync tasks) leaves when the batch is handled.
driver.onMessage = (batch) =>
  out.collect(() => {
    core.borrows.active();
    const cancelled = cancelledIn(batch);
    for (const m of batch) {
      slabViews.received(m);
      // An actor call cancelled in the batch that brings it never starts: with a free slot it would
      // run before its cancel is read. Reported cancelled, as a call dropped from a queue is.
      if (cancelled !== undefined && m.t === "callActor" && cancelled.has(m.taskId)) executor.fail(m.taskId, new TaskCancelledError(m.name));
      else handle(m);
    }
  });

/** The tasks a batch cancels; undefined (most batches): none. */
function cancelledIn(batch: readonly ToWorker[]): Set<string> | undefined {
  let ids: Set<string> | undefined;
  for (const m of batch) if (m.t === "cancel") (ids ??= new Set()).add(m.taskId);
  return ids;
}

function handle(m: ToWorker): void {
  switch (m.t) {
    case "run":
      return executor.run(m);
    case "createActor":
      return actors!.create(m);
    case "callActor":
      return actors!.call(m);
    case "dropActor":
      return actors!.drop(m.actorId);
    case "claimCells":
      return executor.setClaimCells(m.buffer);
    case "reply":
      return core.onReply(m);
    case "cancel":
      // Not started: dropped. Running: its signal aborts and its pending get/wait fail; a running
      // generator (task or actor method) also stops before its next value.
      if (executor.cancelQueued(m.taskId, m.name)) return;
      executor.generators.cancel(m.taskId, m.name);
      if (!executor.cancelRunning(m.taskId, m.name)) actors?.cancel(m.taskId, m.name);
      core.onCancel(m.taskId, m.name);
      return;
    case "genAck":
      return executor.generators.onAck(m.taskId, m.consumed);
    case "collectHandles":
      return core.borrows.collectWanted();
    default:
      return unreachable(m);
  }
}
driver.onClose = () => {
  core.onPortClosed();
  // A child process's driver is gone: nothing can reach this worker any more.
  if (parentPort === null) process.exit(0);
};
// The driver's remote modules are imported now (as a task would, inside an importing context, so the
// entry-module trap still applies), so the first task finds its function loaded.
const preloads = (data.preload ?? []).map((url) =>
  threadRegistry.preload(url, (doImport) => context.run({ taskId: `${data.workerId}.preload`, name: "import", importing: url }, doImport)),
);
// Alone in its batch, so the driver can tell it apart (WorkerClient.ready): the pool starts its other threads on it.
// Sent a turn after the preloads finished, so the tasks that waited for them run and post their results first:
// creating the next thread blocks the driver for several ms, which must not come before the first results.
void Promise.all(preloads).then(() => setImmediate(() => {
    if (driver.state === "open") driver.send([{ t: "ready" } as unknown as FromWorker]);
  }));
// An uncaught throw (from a timer, an event listener, …) ends this worker: a thread's error otherwise reaches
// only the driver's exit handler, which says nothing when no task was running. Say what ended it and where,
// labelled like the worker's log lines; the driver then replaces the worker (or restarts the actor) as for any exit.
process.on("uncaughtExceptionMonitor", (error, origin) => {
  const label = `(${data.actorId !== undefined ? `actor ${data.actorId}` : "worker"} pid=${process.pid} worker=${data.workerId} node=${data.nodeId.slice(0, 4)})`;
  const what = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  const task = context.getStore()?.name;
  process.stderr.write(
    `${label} tsray: this worker ends: ${origin === "unhandledRejection" ? "unhandled rejection" : "uncaught exception"}` +
      `${task !== undefined ? ` in code started by ${task}` : " outside any task"}: ${what}\n`,
  );
});
// A promise a task forgot to await must not take the thread (and every task on it) down:
// report it on the driver's terminal, labelled with the task that made it.
process.on("unhandledRejection", (reason) => {
  console.error("Unhandled promise rejection (a promise nobody awaited):", reason);
});
