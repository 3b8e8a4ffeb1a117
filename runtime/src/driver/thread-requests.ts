/**
 * The driver's side of the thread protocol: serves what worker threads and
 * processes send (results, nested submissions, gets and waits, actor and
 * placement-group requests, logs, synchronous queries), handing each to the
 * owner (task and actor managers), the object store or the driver's `Core`.
 * Every request with a `reqId` gets exactly one `reply`.
 */
import type { Core } from "../api/core.js";
import { ObjectRef } from "../api/object-ref.js";
import { toWireError } from "../codec/index.js";
import { InvalidArgumentError } from "../common/errors.js";
import { ownerOf } from "../common/ids.js";
import { printLogLine } from "../node/log-printer.js";
import type { WorkerClient } from "../node/worker-client.js";
import type { PoolWorker } from "../node/worker-pool.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { ThreadSlabPins } from "../object-store/thread-slab-pins.js";
import { waitFor } from "../object-store/wait-request.js";
import type { ActorManager } from "../owner/actor-manager.js";
import type { TaskManager } from "../owner/task-manager.js";
import type { GeneratorStreams } from "../owner/generator-streams.js";
import type { ActorHolds } from "../owner/actor-holds.js";
import { unreachable, type FromWorker, type ReplyValue, type SyncQuery } from "../protocol/thread-messages.js";

export interface ThreadRequestsDeps {
  readonly nodeId: string;
  /** The job this runtime runs: the generators whose values it keeps are its own (their ids carry it). */
  readonly jobId: string;
  readonly tasks: TaskManager;
  readonly actors: ActorManager;
  readonly store: MemoryStore;
  readonly slabPins: ThreadSlabPins;
  /** The driver's own API: what a worker asks for goes the same way as the driver's calls. */
  readonly core: Core;
  /** Values streaming generators yield, and what their callers consumed. */
  readonly streams: GeneratorStreams;
  /** Actor reference counting: what threads hold and the values they write carry (owner/actor-holds.ts). */
  readonly holds: ActorHolds;
  /** Tasks of owners in other processes (node/node-service.ts): their waits lend their CPUs too. */
  readonly guests?: { onBlocked(taskId: string): void; onUnblocked(taskId: string): void };
}

export class ThreadRequests {
  constructor(private readonly d: ThreadRequestsDeps) {}

  /**
   * Everything a thread sends, from a pool thread (`pooled`) or an actor's thread; `node`: the
   * node the thread runs on when it is not the driver's (its gets pull objects held elsewhere there).
   */
  route(client: WorkerClient, pooled: PoolWorker | undefined, m: FromWorker, node?: string): void {
    this.d.holds.active();
    switch (m.t) {
      case "done":
        if (pooled !== undefined) this.d.tasks.onDone(pooled, m.taskId, m.results);
        else this.d.actors.onCallDone(this.d.actors.actorOfCall(client, m.taskId), m.taskId, m.results);
        return;
      case "failed":
        if (pooled !== undefined) this.d.tasks.onFailed(pooled, m.taskId, m.error, m.errorName);
        else this.d.actors.onCallFailed(this.d.actors.actorOfCall(client, m.taskId), m.taskId, m.error);
        return;
      case "genItem":
        // A guest's generator (node/node-service.ts) whose lease ended with its owner's connection
        // still yields: its values have nowhere to go, and must not be kept here.
        if (ownerOf(m.taskId)?.jobId !== this.d.jobId) return;
        return this.d.streams.onItem(client, m.taskId, m.index, m.bytes);
      case "genConsumed":
        return this.d.streams.consumed(m.taskId, m.consumed);
      case "genDrop":
        return this.d.streams.drop(m.taskId, m.taken);
      case "genNext":
        return this.answerBlocking(client, pooled, m.reqId, m.taskId, () =>
          this.d.streams.next(m.generator, m.index).then((more): ReplyValue => ({ k: "more", more })),
        );
      case "exitActor":
        return this.d.actors.exitActor(m.actorId, m.taskId);
      case "actorReady":
        // Nothing to account: the scheduler placed the actor with its placement demand, and its
        // grant holds its lifetime demand until it dies.
        return;
      case "actorFailed":
        return this.d.actors.onConstructorFailed(m.actorId, m.error);
      case "submit":
        return this.d.tasks.submit(m.task.taskId, m.task, m.task.args, m.task.parentTaskId);
      case "createActor":
        // Counted from the start (the thread's borrow of its handle comes next), unless named or detached.
        if (m.creation.name === undefined && m.creation.detached !== true) this.d.holds.own(m.creation.actor.actorId);
        return this.d.actors.createFromWorker(m.creation);
      case "callActor":
        return this.d.actors.submitCall(m.call);
      case "put":
        return this.d.store.putBytes(m.id, m.bytes);
      case "release":
        return this.d.store.delete(m.id);
      case "borrowActor": {
        const counting = this.d.holds.borrow(client, m.actorId, () => client.post({ t: "collectHandles" }));
        if (m.reqId === undefined) return;
        if (counting === undefined) return client.post({ t: "reply", reqId: m.reqId, ok: true, value: { k: "none" } });
        return this.answer(client, m.reqId, counting.then((): ReplyValue => ({ k: "none" })));
      }
      case "releaseActors":
        return this.d.holds.release(client, m.actorIds);
      case "holdActors":
        return this.d.holds.hold(m.actorIds, m.until);
      case "free":
        return this.d.core.free(m.ids);
      case "unpin":
        return this.d.slabPins.handedBack(client, m.slabs, m.counts);
      case "get":
        return this.answerBlocking(client, pooled, m.reqId, m.taskId, () =>
          this.d.store.getMany(m.ids, m.timeoutS, node).then((bytes): ReplyValue => ({ k: "objects", bytes })),
        );
      case "wait":
        return this.answerBlocking(client, pooled, m.reqId, m.taskId, () =>
          waitFor(this.d.store, m.ids, m.numReturns, m.timeoutS).then((ready): ReplyValue => ({ k: "ready", ready })),
        );
      case "getActor":
        return this.answer(client, m.reqId, this.d.core.getActor(m.name, m.namespace).then((actor): ReplyValue => ({ k: "actor", actor })));
      case "listNamedActors":
        return this.answer(client, m.reqId, this.d.core.listNamedActors(m.namespace).then((actors): ReplyValue => ({ k: "namedActors", actors })));
      case "kill":
        return this.d.actors.kill(m.actorId, m.noRestart);
      case "cancel":
        try {
          this.d.core.cancel(new ObjectRef(m.objectId), m.force, m.recursive);
        } catch (e) {
          // The worker's cancel() returned already; the only place left to report to is the terminal.
          if (!(e instanceof InvalidArgumentError)) throw e;
          process.stderr.write(`tsray: ray.cancel inside a task failed: ${e.message}\n`);
        }
        return;
      case "log":
        return printLogLine(m, client.workerId, this.d.nodeId);
      case "createPlacementGroup":
        try {
          this.d.core.createPlacementGroup(m.id, m.bundles, m.strategy, m.name);
        } catch (e) {
          // The worker's call returned already (a name clash): its pg.ready() rejects, the terminal says why.
          if (!(e instanceof InvalidArgumentError)) throw e;
          process.stderr.write(`tsray: ray.placementGroup inside a task failed: ${e.message}\n`);
        }
        return;
      case "placementGroupReady":
        return this.answer(client, m.reqId, this.d.core.placementGroupReady(m.id).then((): ReplyValue => ({ k: "none" })));
      case "removePlacementGroup":
        return this.d.core.removePlacementGroup(m.id);
      case "syncQuery":
        return this.answerSync(m.query, m.buffer);
      default:
        return unreachable(m);
    }
  }

  /** A `get`/`wait` of a pool task lends the task's CPU back until it is answered. */
  private answerBlocking(
    client: WorkerClient,
    pooled: PoolWorker | undefined,
    reqId: number,
    taskId: string | undefined,
    work: () => Promise<ReplyValue>,
  ): void {
    const blocking = pooled !== undefined && taskId !== undefined;
    if (blocking) {
      this.d.tasks.onBlocked(taskId);
      this.d.guests?.onBlocked(taskId);
    }
    const reply = work();
    if (blocking) {
      const unblock = () => {
        this.d.tasks.onUnblocked(taskId);
        this.d.guests?.onUnblocked(taskId);
      };
      reply.then(unblock, unblock);
    }
    this.answer(client, reqId, reply);
  }

  /** Writes a synchronous query's JSON answer into the thread's shared buffer and wakes it (see protocol.ts). */
  private answerSync(query: SyncQuery, buffer: SharedArrayBuffer): void {
    const value =
      query === "clusterResources"
        ? this.d.core.clusterResources()
        : query === "availableResources"
          ? this.d.core.availableResources()
          : this.d.core.placementGroupTable();
    const header = new Int32Array(buffer, 0, 2);
    const text = JSON.stringify(value);
    const { read, written } = new TextEncoder().encodeInto(text, new Uint8Array(buffer, 8));
    const complete = read === text.length;
    Atomics.store(header, 1, written);
    Atomics.store(header, 0, complete ? 1 : 2);
    Atomics.notify(header, 0);
  }

  private answer(client: WorkerClient, reqId: number, reply: Promise<ReplyValue>): void {
    reply.then(
      (value) => client.post({ t: "reply", reqId, ok: true, value }),
      (error: unknown) => client.post({ t: "reply", reqId, ok: false, error: toWireError(error) }),
    );
  }
}
