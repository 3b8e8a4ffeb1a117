/**
 * Streaming generators over the node protocol (issue 13, "across nodes"): the two ends of a
 * generator task that an owner runs on a node in another process (node-messages.ts).
 *
 * - **node end** (node-service.ts): each value a guest's generator yields on a pool worker (the
 *   thread's `genItem`) goes on to its owner at once as a `genItem` message; a value of
 *   `inlineThreshold` bytes or more stays in this node's store and only its location is sent, as
 *   for task results (driver/cluster-objects.ts). The owner's `genAck` is posted to the worker,
 *   where a generator paused by backpressure goes on (thread/generator-runner.ts).
 * - **owner end** (remote-node-client.ts): a `genItem` goes to the owner's generator streams
 *   (owner/generator-streams.ts) with the acks of that lease: what the caller takes goes back to
 *   the node as `genAck`, so `generatorBackpressureNumObjects` holds across the wire.
 *
 * Invariant (order): a thread's messages reach its node in order and the node forwards a guest's
 * `genItem`s and its `done`/`failed` at once, on one connection, so the owner has stored every
 * value before the generator's end settles (what generator-streams.ts relies on: "the end settled
 * and value i is not stored" means there is no value i).
 *
 * A node that dies mid-stream closes the connection: the lease is lost (remote-node-client.ts),
 * the generator ends with `NodeDiedError` (not retried once it has yielded), and the gets of its
 * values kept on that node fail with `ObjectLostError`.
 *
 * Generator METHODS of an actor hosted on a node process go the same way with the actor messages:
 * the node (node-actor-service.ts) sends each value to the call's caller as `actorGenItem`, before
 * the call's answer, on the connection the `actorCall` came on; the caller's acks go back as
 * `actorGenAck` (remote-actor-client.ts) and are posted to the actor's worker. A node that dies
 * mid-stream fails the call with `ActorDiedError` (the actor died with its node).
 */
import { generatorItemId } from "../common/ids.js";
import type { Held } from "../object-store/object-location.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import type { ActorCallReply, ActorToNode, FromNode, ToNode } from "./node-messages.js";

// ---------------------------------------------------------------- owner end

/** How the owner tells a generator's worker what its caller took (the owner posts only `genAck`). */
export interface GeneratorAcks {
  post(message: ToWorker): void;
}

/** Where generator values from remote nodes go on the owner (owner/generator-streams.ts has this shape). */
export interface GeneratorItems {
  onItem(worker: GeneratorAcks, taskId: string, index: number, value: Held): void;
}

/** The acks of a generator running under lease `leaseId` on a node in another process: `genAck`s on the wire. */
export function acksOverWire(leaseId: string, send: (message: ToNode) => void): GeneratorAcks {
  return {
    post(message) {
      if (message.t !== "genAck") throw new Error(`only genAck goes to a generator on another node, not ${message.t}`);
      send({ t: "genAck", leaseId, taskId: message.taskId, consumed: message.consumed });
    },
  };
}

/** The acks of streaming actor calls sent on one connection (`actorOf`: the actor a call in flight went to): `actorGenAck`s on the wire. */
export function actorAcksOverWire(actorOf: (taskId: string) => string | undefined, send: (message: ActorToNode) => void): GeneratorAcks {
  return {
    post(message) {
      if (message.t !== "genAck") throw new Error(`only genAck goes to a generator method on another node, not ${message.t}`);
      const actorId = actorOf(message.taskId);
      // A call already answered (or lost) needs no more acks.
      if (actorId !== undefined) send({ t: "actorGenAck", actorId, taskId: message.taskId, consumed: message.consumed });
    },
  };
}

// ---------------------------------------------------------------- node end

/** Keeps a large value in this node's store under `objectId` (its location), or returns a small one's bytes. */
export type KeepValue = (objectId: string, bytes: Uint8Array) => Held;

/** The owner's message for the `index`-th value a guest's generator (`taskId`, under `leaseId`) yielded. */
export function itemForOwner(leaseId: string, taskId: string, index: number, bytes: Uint8Array, keep: KeepValue): Extract<FromNode, { t: "genItem" }> {
  return { t: "genItem", leaseId, taskId, index, value: keep(generatorItemId(taskId, index), bytes) };
}

/** The worker's message for an owner's `genAck`. */
export function ackForWorker(m: Extract<ToNode, { t: "genAck" }>): ToWorker {
  return { t: "genAck", taskId: m.taskId, consumed: m.consumed };
}

/** The caller's message for the `index`-th value streaming actor call `taskId` yielded. */
export function actorItemForCaller(actorId: string, taskId: string, index: number, bytes: Uint8Array, keep: KeepValue): Extract<ActorCallReply, { t: "actorGenItem" }> {
  return { t: "actorGenItem", actorId, taskId, index, value: keep(generatorItemId(taskId, index), bytes) };
}
