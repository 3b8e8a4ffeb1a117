/**
 * Ownership across processes (issue 11), after Ray's ownership model: the runtime that minted an
 * object's id owns it (common/ids.ts `ownerOf`: the id names the owner's job), and any process
 * holding a ref to it asks that owner — never a directory — for its value or where a copy is.
 * This is both ends of the owner protocol (protocol/owner-messages.ts) for one runtime:
 *
 * - borrowing: the runtime's store meets an id it does not know and another job owns
 *   (`MemoryStore.askOwnersWith`: a `get`, `wait` or task argument of a ref that came in a value),
 *   and asks the owner once over the link to the owner's process; the reply settles the object in
 *   this store like a result (small: bytes; large: a location, pulled from a node holding it by
 *   the object transfer, as any located object is: the node store connects to it first if it must);
 * - owning: a process asks about an object this runtime owns; it is answered once the object is
 *   ready (a large one this runtime holds itself as a location on its own node, whose store serves
 *   pulls of the owner's objects).
 *
 * Links: one connection per peer process, which either end may have opened (a node's endpoint
 * accepts `open { channel: "owner", job }`; a process dials a node whose node-table row names
 * the job). A driver has no endpoint, so it opens a link to each node that runs a runtime
 * (driver/owner-network.ts), and the node asks it over that link.
 *
 * Invariants: each request is pending in exactly one link from its send to its reply or the
 * link's close; when a link closes every pending request settles its object as `OwnerDiedError`
 * (the owner's process is gone), so nothing waits for it. A borrowed object stays in this store
 * (it is not counted by the owner's reference counting: Ray's borrower protocol is built for actor
 * handles only).
 *
 * Actor handles (owner/actor-holds.ts): this end borrows an actor another runtime owns over the
 * link to that runtime (`borrow`, answered once counted; `release`), and counts the borrows its
 * peers make of actors it owns, one holder per peer process (its job; a link whose job is unknown
 * on its own): when the last link to a process closes, its borrows are released (the process is
 * gone), and a pending borrow settles (nothing left to wait for). Two links may join the same two
 * processes (each may dial the other), so a borrow and its release may come on different ones.
 */
import { ownerOf } from "../common/ids.js";
import { ObjectLostError, OwnerDiedError } from "../common/errors.js";
import { fromWireError, toWireError } from "../codec/index.js";
import { CloseCode, type Connection } from "../protocol/connection.js";
import { ownerMessageKinds, unreachableOwner, type OwnerMessage, type OwnerReply } from "../protocol/owner-messages.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Settled } from "../object-store/waiter.js";
import { inlineThreshold, isLocation } from "../object-store/object-location.js";
import type { Holder, OwnerBorrows } from "./actor-holds.js";

/** What counts the borrows peers make of this runtime's actors (ActorHolds). */
export interface ActorBorrowers {
  borrow(holder: Holder, actorId: string, askToCollect?: (actorId: string) => void): Promise<void> | undefined;
  release(holder: Holder, actorIds: readonly string[]): void;
  holderGone(holder: Holder): void;
  collectRequested(actorIds: readonly string[]): void;
}

export type OwnerConnection = Connection<OwnerMessage, OwnerMessage>;

export interface OwnerLinksParts {
  /** The job whose ids this runtime mints: the objects it answers for. */
  readonly jobId: string;
  /** This runtime's node: where the large objects it holds are pulled from. */
  readonly nodeId: string;
  readonly store: MemoryStore;
  /** A new link to the process that runs job `job` (the `open` sent), or undefined when no live node names it. */
  readonly dial: (job: string) => OwnerConnection | undefined;
  readonly log: (line: string) => void;
  /** Absent: actor borrows are not counted here (answered at once). */
  readonly actors?: ActorBorrowers | undefined;
}

interface Link {
  readonly connection: OwnerConnection;
  /** The peer's job, when known (its `open`, or the node-table row it was dialled by). */
  readonly job: string | undefined;
  /** Requests this end sent and has no reply for: request id → object id. */
  readonly pending: Map<number, string>;
  /** Actor borrows this end asked and has no answer for: request id → its settling. */
  readonly borrows: Map<number, () => void>;
}

export class OwnerLinks implements OwnerBorrows {
  private readonly byJob = new Map<string, Link>();
  private readonly links = new Set<Link>();
  private requests = 0;

  constructor(private readonly parts: OwnerLinksParts) {
    parts.store.askOwnersWith((id) => this.ask(id));
  }

  /** A link another process opened (after its `open`), or one this process dialled: served and asked over both ways. */
  accept(connection: OwnerConnection, job: string | undefined): void {
    const link: Link = { connection, job, pending: new Map(), borrows: new Map() };
    this.links.add(link);
    // The newest link to a job is the one asked on (an older one may be closing).
    if (job !== undefined && job !== this.parts.jobId) this.byJob.set(job, link);
    connection.onMessage = (m) => this.received(link, m);
    connection.onClose = () => this.closed(link);
  }

  /** Whether this process has a link to the runtime of `job`. */
  linkedTo(job: string): boolean {
    return this.byJob.has(job);
  }

  /** Closes every link (the runtime shuts down; peers' requests on them are failed there). */
  close(reason: string): void {
    for (const link of [...this.links]) link.connection.close(1000, reason);
  }

  // ------------------------------------------------------------ borrowing

  /** The link to the runtime of `job`, dialled when there is none; undefined when no live node runs it. */
  private linkTo(job: string): Link | undefined {
    const link = this.byJob.get(job);
    if (link !== undefined) return link;
    const dialled = this.parts.dial(job);
    if (dialled === undefined) return undefined;
    this.accept(dialled, job);
    return this.byJob.get(job);
  }

  /** The store met `id` unknown: asked of its owner when another runtime owns it. */
  private ask(id: string): void {
    const owner = ownerOf(id);
    if (owner === undefined || owner.jobId === this.parts.jobId) return;
    const link = this.linkTo(owner.jobId);
    if (link === undefined) {
      // Settled after the waiter that asked is in place (the store calls this from `whenSettled`).
      const error = new OwnerDiedError(
        id,
        `ObjectRef(${id}) is owned by job ${owner.jobId}, which no live node of the cluster runs and no process running it has linked to this one: ` +
          "its owner is gone, and its object with it (or it is a driver that has not linked to this node yet). " +
          "Compute or put the value again, or pass the value rather than the ref.",
      );
      queueMicrotask(() => this.parts.store.putError(id, error));
      return;
    }
    const reqId = ++this.requests;
    link.pending.set(reqId, id);
    link.connection.send({ t: "getObject", reqId, objectId: id });
  }

  private answered(link: Link, m: Extract<OwnerReply, { t: "object" | "objectFailed" }>): void {
    const id = link.pending.get(m.reqId);
    if (id === undefined) return; // not asked on this link: ignored
    link.pending.delete(m.reqId);
    const { store } = this.parts;
    if (m.t === "objectFailed") return store.putError(id, fromWireError(m.error as Parameters<typeof fromWireError>[0]));
    const value = m.value;
    if (value instanceof Uint8Array) return store.putBytes(id, value);
    if (value.objectId !== id) return store.putError(id, new ObjectLostError(id, `The owner of ${id} answered with the location of ${value.objectId}.`));
    store.putLocation(id, value);
  }

  /** This process holds a handle of `actorId`, which another runtime owns: settles once that owner counts it (or is gone). */
  borrow(actorId: string): Promise<void> {
    const job = ownerOf(actorId)?.jobId;
    const link = job === undefined || job === this.parts.jobId ? undefined : this.linkTo(job);
    // A link still connecting queues what is sent; one closing or closed has no owner behind it to count this.
    if (link === undefined || !sendable(link)) return Promise.resolve();
    const reqId = ++this.requests;
    return new Promise<void>((resolve) => {
      link.borrows.set(reqId, resolve);
      link.connection.send({ t: "borrowActor", reqId, actorId });
    });
  }

  /** This process holds no handle of `actorId` any more. */
  release(actorId: string): void {
    const job = ownerOf(actorId)?.jobId;
    const link = job === undefined ? undefined : this.byJob.get(job);
    if (link !== undefined && sendable(link)) link.connection.send({ t: "releaseActor", reqId: 0, actorIds: [actorId] });
  }

  // ------------------------------------------------------------ owning

  /** A peer borrows one of this runtime's actors: answered once it is counted. */
  private lend(link: Link, reqId: number, actorId: string): void {
    const reply = (): void => {
      if (link.connection.state === "open") link.connection.send({ t: "actorBorrowed", reqId });
    };
    const ask = (id: string): void => {
      if (sendable(link)) link.connection.send({ t: "collectHandles", reqId: 0, actorIds: [id] });
    };
    const counting = this.parts.actors?.borrow(holderOf(link), actorId, ask);
    if (counting === undefined) reply();
    else void counting.then(reply);
  }

  private serve(link: Link, reqId: number, id: string): void {
    const { store, jobId, nodeId } = this.parts;
    const reply = (m: OwnerReply): void => {
      if (link.connection.state === "open") link.connection.send(m);
    };
    if (ownerOf(id)?.jobId !== jobId || !store.knows(id)) {
      const why = ownerOf(id)?.jobId !== jobId ? "this process is not its owner" : "its owner no longer holds it (freed, or every ref to it dropped)";
      return reply({ t: "objectFailed", reqId, error: toWireError(new ObjectLostError(id, `Object ${id} was asked of job ${jobId} on node ${nodeId}, but ${why}.`)) });
    }
    store.whenSettled(
      id,
      {
        settled: (_at: number, settled: Settled) => {
          if (settled instanceof Error) return reply({ t: "objectFailed", reqId, error: toWireError(settled) });
          if (isLocation(settled)) return reply({ t: "object", reqId, value: settled });
          // Large bytes this runtime holds: pulled from its node (whose store serves the owner's objects).
          const value = settled.byteLength < inlineThreshold ? settled : { objectId: id, heldOn: nodeId, size: settled.byteLength };
          reply({ t: "object", reqId, value });
        },
      },
      0,
    );
  }

  // ------------------------------------------------------------ the link

  private received(link: Link, m: OwnerMessage): void {
    if (!ownerMessageKinds.has((m as { t: string }).t)) {
      this.parts.log(`closing an owner link: a ${String((m as { t: string }).t)} message on it`);
      return link.connection.close(CloseCode.PROTOCOL_ERROR, "a message of another protocol on the owner channel");
    }
    switch (m.t) {
      case "getObject":
        return this.serve(link, m.reqId, m.objectId);
      case "object":
      case "objectFailed":
        return this.answered(link, m);
      case "borrowActor":
        return this.lend(link, m.reqId, m.actorId);
      case "releaseActor":
        return this.parts.actors?.release(holderOf(link), m.actorIds);
      case "collectHandles":
        return this.parts.actors?.collectRequested(m.actorIds);
      case "actorBorrowed": {
        const settle = link.borrows.get(m.reqId);
        link.borrows.delete(m.reqId);
        return settle?.();
      }
      default:
        return unreachableOwner(m);
    }
  }

  private closed(link: Link): void {
    this.links.delete(link);
    if (link.job !== undefined && this.byJob.get(link.job) === link) this.byJob.delete(link.job);
    for (const id of link.pending.values()) {
      this.parts.store.putError(
        id,
        new OwnerDiedError(id, `The owner of ObjectRef(${id}) (job ${link.job ?? "unknown"}) is gone: the connection to its process closed before it answered. Compute or put the value again.`),
      );
    }
    link.pending.clear();
    for (const settle of link.borrows.values()) settle();
    link.borrows.clear();
    // A peer's borrows are its process's, whichever of its links carried them: let go once no link to it is left.
    const job = link.job;
    if (job === undefined || ![...this.links].some((l) => l.job === job)) this.parts.actors?.holderGone(holderOf(link));
  }
}

/** Whether a message can still go out on the link (a "connecting" one queues it until it opens). */
function sendable(link: Link): boolean {
  return link.connection.state === "open" || link.connection.state === "connecting";
}

/** Who a peer's actor borrows belong to: its process (by job) when known, else the link itself. */
function holderOf(link: Link): Holder {
  return link.job ?? link;
}
