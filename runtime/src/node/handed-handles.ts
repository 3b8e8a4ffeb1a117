/**
 * Actor handles inside the results a node sends to another process (owner/actor-holds.ts): a
 * guest's task (or a call of an actor hosted here for another caller) returned or yielded values
 * with handles in them. The node's runtime holds those actors while the values travel, the
 * message that carries the values names the actors (`actors`), the receiving process holds them
 * for as long as it keeps the objects and answers `actorsHeld` once its holds are counted (its
 * borrows answered by the actors' owners), and only then does the node let go. So the actors are
 * held without a gap while the objects live, and nothing is kept for the session.
 *
 * A receiver that never answers (its connection closed first) leaves the node holding those
 * actors for the session: safe, never an actor ended early.
 */
import { generatorItemId, returnIds } from "../common/ids.js";
import type { ActorCallReply, FromNode, ToNode } from "./node-messages.js";

/** The node's side (ActorHolds). */
export interface HandleHandOver {
  /** The actors the values of these objects carry, still held here; undefined: none. */
  handOver(objectIds: readonly string[]): string[] | undefined;
  /** The receiver holds them now. */
  handedOver(objectIds: readonly string[]): void;
}

/** The receiving side (ActorHolds): holds `actors` while objects `objectIds` live; settles once those holds are counted. */
export interface HandleTakeOver {
  takeOver(actors: readonly string[], objectIds: readonly string[]): Promise<void> | undefined;
}

type Carrying = Extract<FromNode | ActorCallReply, { t: "done" | "genItem" | "actorCallDone" | "actorGenItem" }>;

/** The objects a result message stores: a task's or call's returns, or one generator value. */
function objectIdsOf(m: Carrying): string[] {
  return m.t === "done" || m.t === "actorCallDone" ? returnIds(m.taskId, m.results.length) : [generatorItemId(m.taskId, m.index)];
}

/** `m` with the actors its values carry named (the same message when they carry none, or with no hand-over). */
export function naming<M extends Carrying>(m: M, handles: HandleHandOver | undefined): M {
  const actors = handles?.handOver(objectIdsOf(m));
  return actors === undefined ? m : { ...m, actors };
}

/** A result message came: holds what it names, and answers `actorsHeld` once that is counted. */
export function takeOver(m: FromNode, handles: HandleTakeOver | undefined, send: (message: ToNode) => void): void {
  if (handles === undefined) return;
  if (m.t !== "done" && m.t !== "genItem" && m.t !== "actorCallDone" && m.t !== "actorGenItem") return;
  if (m.actors === undefined || m.actors.length === 0) return;
  const objectIds = objectIdsOf(m);
  const answer = () => send({ t: "actorsHeld", objectIds });
  const counting = handles.takeOver(m.actors, objectIds);
  if (counting === undefined) answer();
  else void counting.then(answer);
}
