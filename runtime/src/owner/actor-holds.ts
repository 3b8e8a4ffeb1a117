/**
 * Actor reference counting for one process (Ray's actor handle counting, with its borrower
 * protocol): an actor this process owns — created here, unnamed and not detached — ends when
 * nothing anywhere holds it; for an actor another process owns, this process is one borrower there.
 *
 * What holds an actor here (each adds one to its count while it lasts):
 * - a live handle instance on this process's own thread (`instance`: until it is collected);
 * - a worker thread of this process, or another process over the owner link, that holds live
 *   handles (`borrow` … `release`, or until the thread or link is gone: `holderGone`);
 * - a value that carries a handle (`hold`): a submission's arguments until its return settles
 *   (retries included), a put value or results until their objects are deleted from this store
 *   (an object another process owns — a result sent to the process that submitted the task —
 *   until that process holds the actors itself: node/handed-handles.ts), a constructor's
 *   arguments until that actor ends, and a handle written where no end is known for the session.
 *
 * When the count of an actor another process owns goes 0 → 1 this process borrows it there
 * (`OwnerBorrows.borrow`, answered once counted); 1 → 0 releases it. When the count of a counted
 * actor owned here goes to 0, it is out of scope (ActorManager.outOfScope ends it after its
 * submitted calls).
 *
 * Invariant: a thread's borrow is counted before the end of any task that decoded it is
 * reported (for an actor another process owns the thread waits for `borrow`'s answer; for one
 * owned here the port's order suffices: thread/handle-borrows.ts), and every hold is
 * taken while the handle it covers is still alive on the thread that wrote it, so a count never
 * passes through 0 while a copy is on its way somewhere. Memory: a count per actor with holders,
 * a list per holding object; nothing per task without handles.
 */
import { ownerOf } from "../common/ids.js";
import { WrittenHandles } from "../common/written-handles.js";
import { IdleCollector } from "../common/idle-collector.js";
import { unreachable, type ActorHoldEnd } from "../protocol/thread-messages.js";
import type { WaitableStore } from "../object-store/waiter.js";

/** What holds actors as one: a worker thread (its client), or another process (its job, or its link while the job is unknown). */
export type Holder = object | string;

/** How this process borrows actors other processes own (owner/owner-links.ts). */
export interface OwnerBorrows {
  /** Settles once the owner counts this process as a holder (or cannot: it is gone). */
  borrow(actorId: string): Promise<void>;
  release(actorId: string): void;
}

export interface ActorHoldsDeps {
  /** The job this process runs: the actors whose ids it minted are owned here. */
  readonly jobId: string;
  readonly store: Pick<WaitableStore, "whenSettled">;
  /** A counted actor owned here is held by nothing any more. */
  readonly outOfScope: (actorId: string) => void;
  /** Absent: no other process (an actor another job owns is then never counted). */
  readonly owners?: () => OwnerBorrows | undefined;
}

export class ActorHolds {
  private readonly counts = new Map<string, number>();
  /** Actors owned here that reference counting may end (not named, not detached). */
  private readonly counted = new Set<string>();
  /** What each thread or peer process holds (one count per actor each). */
  private readonly holders = new Map<Holder, Set<string>>();
  /** The borrowers of each actor, and how to ask each to collect its garbage (`askToCollect`). */
  private readonly borrowers = new Map<string, Set<Holder>>();
  private readonly askers = new Map<Holder, (actorId: string) => void>();
  /** Objects whose values carry handles: object id → the actors (with repeats, one count each). */
  private readonly inObjects = new Map<string, string[]>();
  /** Objects other processes own (results going to their submitter): object id → the actors, until handed over. */
  private readonly handing = new Map<string, string[]>();
  /** Constructor arguments: actor id → the actors its arguments carry. */
  private readonly inConstructors = new Map<string, string[]>();
  private readonly instances = new FinalizationRegistry<string>((actorId) => this.drop(actorId));
  /** Borrows asked of other processes and not answered: actor id → the answer. */
  private readonly asking = new Map<string, Promise<void>>();
  /**
   * This process's own thread finds its dropped handles when it collects: while it owns counted
   * actors it collects now and then (common/idle-collector.ts), so that a driver awaiting work that
   * needs a dropped actor's resources does not wait for a collection that may not come.
   */
  private readonly collector = new IdleCollector(() => this.counted.size > 0, 60_000);
  /** Handles this process's own thread writes; one written outside `collect` holds for the session. */
  private readonly written = new WrittenHandles((actorId) => this.add(actorId));

  constructor(private readonly d: ActorHoldsDeps) {}

  /** This process's own thread had work (its threads' messages): no collection while it is busy. */
  active(): void {
    this.collector.active();
  }

  /** An actor created here that ends when nothing holds it (called before anything holds it). */
  own(actorId: string): void {
    this.counted.add(actorId);
    this.collector.restart();
  }

  /** A handle instance made on this process's own thread (created or decoded). */
  instance(handle: object, actorId: string): void {
    this.add(actorId);
    this.instances.register(handle, actorId);
  }

  /** A handle of `actorId` was written into a value on this process's own thread. */
  encoded(actorId: string): void {
    this.written.encoded(actorId);
  }

  /** Runs `encode`; returns its value and the actors whose handles it wrote (for `hold`). */
  collect<T>(encode: () => T): { readonly value: T; readonly actors: string[] | undefined } {
    return this.written.collect(encode);
  }

  /** `actors` are held by a value until `until` (see the top of this file). */
  hold(actors: readonly string[] | undefined, until: ActorHoldEnd): void {
    if (actors === undefined || actors.length === 0) return;
    switch (until.k) {
      case "settled": {
        for (const a of actors) this.add(a);
        const release = { settled: () => this.dropAll(actors) };
        this.d.store.whenSettled(until.id, release, 0);
        return;
      }
      case "deleted":
        // An object another process owns (a result sent to its submitter) is stored there: held here
        // until that process holds what it carries (node/handed-handles.ts), else for the session.
        for (const id of until.ids) this.pinIn(this.ownedHere(id) ? this.inObjects : this.handing, id, actors);
        return;
      case "actorEnds":
        return this.pinIn(this.inConstructors, until.actorId, actors);
      case "session":
        for (const a of actors) this.add(a);
        return;
      default:
        return unreachable(until);
    }
  }

  /** `actors` held under `key` of `pins` (one count each) until that key is let go. */
  private pinIn(pins: Map<string, string[]>, key: string, actors: readonly string[]): void {
    for (const a of actors) this.add(a);
    const list = pins.get(key);
    if (list === undefined) pins.set(key, [...actors]);
    else list.push(...actors);
  }

  /** Object `id` was deleted from this process's store: what its value held is let go. */
  objectDeleted(id: string): void {
    if (this.inObjects.size === 0) return;
    const list = this.inObjects.get(id);
    if (list === undefined) return;
    this.inObjects.delete(id);
    this.dropAll(list);
  }

  /** Actor `actorId` ended: its constructor's arguments are let go. */
  actorEnded(actorId: string): void {
    this.counted.delete(actorId);
    const list = this.inConstructors.get(actorId);
    if (list === undefined) return;
    this.inConstructors.delete(actorId);
    this.dropAll(list);
  }

  /** The actors the values of objects `ids` (another process's) carry, still held here until `handedOver`. */
  handOver(ids: readonly string[]): string[] | undefined {
    if (this.handing.size === 0) return undefined;
    let actors: Set<string> | undefined;
    for (const id of ids) for (const a of this.handing.get(id) ?? []) (actors ??= new Set()).add(a);
    return actors === undefined ? undefined : [...actors];
  }

  /** The process that owns objects `ids` holds what their values carry now: let go here. */
  handedOver(ids: readonly string[]): void {
    for (const id of ids) {
      const list = this.handing.get(id);
      if (list === undefined) continue;
      this.handing.delete(id);
      this.dropAll(list);
    }
  }

  /** Objects `ids` owned here came from another process carrying `actors`: held while they live; settles once counted. */
  takeOver(actors: readonly string[], ids: readonly string[]): Promise<void> | undefined {
    this.hold(actors, { k: "deleted", ids });
    let waits: Promise<void>[] | undefined;
    for (const a of actors) {
      const asked = this.asking.get(a);
      if (asked !== undefined) (waits ??= []).push(asked);
    }
    return waits === undefined ? undefined : Promise.all(waits).then(() => undefined);
  }

  /**
   * `holder` (a worker thread, a peer process's link) holds live handles of `actorId`. Returns
   * what to wait for before answering it: the owner in another process counting this process.
   */
  borrow(holder: Holder, actorId: string, askToCollect?: (actorId: string) => void): Promise<void> | undefined {
    let held = this.holders.get(holder);
    if (held === undefined) this.holders.set(holder, (held = new Set()));
    if (askToCollect !== undefined) this.askers.set(holder, askToCollect);
    if (!held.has(actorId)) {
      held.add(actorId);
      let of = this.borrowers.get(actorId);
      if (of === undefined) this.borrowers.set(actorId, (of = new Set()));
      of.add(holder);
      this.add(actorId);
    }
    return this.asking.get(actorId);
  }

  release(holder: Holder, actorIds: readonly string[]): void {
    const held = this.holders.get(holder);
    if (held === undefined) return;
    for (const a of actorIds) {
      if (!held.delete(a)) continue;
      this.unborrow(holder, a);
      this.drop(a);
    }
    if (held.size === 0) this.forgetHolder(holder);
  }

  /** A thread exited, or a peer process's link closed: whatever it held is let go. */
  holderGone(holder: Holder): void {
    const held = this.holders.get(holder);
    if (held === undefined) return;
    this.forgetHolder(holder);
    for (const a of held) this.unborrow(holder, a);
    this.dropAll(held);
  }

  /**
   * The owner (another process) asks: these actors may be held by borrowers alone. Those held here
   * by this process's borrowers alone are asked of them in turn.
   */
  collectRequested(actorIds: readonly string[]): void {
    for (const a of actorIds) this.askToCollect(a);
  }

  /**
   * When borrowers alone still hold an actor (its owner's own copies and every value carrying it
   * are gone), their copies may be garbage their thread has not collected yet: each is asked to
   * collect. Nothing is asked while anything else holds it, so busy programs that keep their
   * handles cost no collection at all.
   */
  private askToCollect(actorId: string): void {
    const of = this.borrowers.get(actorId);
    if (of === undefined || of.size !== this.counts.get(actorId)) return;
    for (const holder of of) this.askers.get(holder)?.(actorId);
  }

  private unborrow(holder: Holder, actorId: string): void {
    const of = this.borrowers.get(actorId);
    if (of === undefined) return;
    of.delete(holder);
    if (of.size === 0) this.borrowers.delete(actorId);
  }

  private forgetHolder(holder: Holder): void {
    this.holders.delete(holder);
    this.askers.delete(holder);
  }

  /** Whether anything here holds `actorId` (tests and introspection). */
  holds(actorId: string): boolean {
    return this.counts.has(actorId);
  }

  private add(actorId: string): void {
    const n = (this.counts.get(actorId) ?? 0) + 1;
    this.counts.set(actorId, n);
    if (n !== 1 || this.ownedHere(actorId)) return;
    const owners = this.d.owners?.();
    if (owners === undefined) return;
    const asked: Promise<void> = owners.borrow(actorId).finally(() => {
      if (this.asking.get(actorId) === asked) this.asking.delete(actorId);
    });
    this.asking.set(actorId, asked);
  }

  private drop(actorId: string): void {
    const n = (this.counts.get(actorId) ?? 1) - 1;
    if (n > 0) {
      this.counts.set(actorId, n);
      return this.askToCollect(actorId);
    }
    this.counts.delete(actorId);
    if (!this.ownedHere(actorId)) return this.d.owners?.()?.release(actorId);
    if (!this.counted.delete(actorId)) return;
    this.d.outOfScope(actorId);
  }

  private dropAll(actors: Iterable<string>): void {
    for (const a of actors) this.drop(a);
  }

  private ownedHere(actorId: string): boolean {
    return ownerOf(actorId)?.jobId === this.d.jobId;
  }
}
