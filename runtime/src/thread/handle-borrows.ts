/**
 * Actor reference counting on a worker thread: the borrower's side of Ray's protocol for actor
 * handles (the process's side is owner/actor-holds.ts).
 *
 * - Live handles: every handle instance this thread decodes (or makes for an actor it creates) is
 *   counted per actor until the garbage collector takes it (`FinalizationRegistry`). The first
 *   live one posts `borrowActor`, the last one collected posts `releaseActors`. The owner counts
 *   the thread once per actor, however many copies it holds.
 * - Handles written into values: what `collect` wraps (task and call arguments, a constructor's
 *   arguments, a `put`, results, generator values) reports the actors it wrote, and its caller
 *   posts `holdActors` with how long the value holds them. A handle written anywhere else holds its
 *   actor for the session (nothing says when that value is gone).
 *
 * When the owner says borrowers alone hold an actor (`collectHandles`), the thread collects its
 * garbage from time to time while handles are live here (common/idle-collector.ts), so the copy a
 * finished task dropped is found gone even on a thread that then stays idle.
 *
 * Ordering, the invariant that makes the counts safe: a thread that decoded a handle while
 * running a task has its borrow counted by the owner before the task's `done`/`failed` leaves
 * (`settledBorrows`; an actor its own process owns needs no answer: the port keeps the order), because the submitter's hold on the handle (its arguments) ends at that
 * report; and a hold is posted before the thread's own borrow can be released (the handle is
 * alive while it is written, and collection only happens later).
 */
import type { ActorHoldEnd, FromWorker } from "../protocol/thread-messages.js";
import { WrittenHandles } from "../common/written-handles.js";
import { ownerOf } from "../common/ids.js";
import { IdleCollector } from "../common/idle-collector.js";

export class HandleBorrows {
  /** Live handle instances on this thread, per actor id (absent: none). */
  private readonly live = new Map<string, number>();
  private readonly registry = new FinalizationRegistry<string>((actorId) => this.collected(actorId));
  /** Handles written into values (common/written-handles.ts); one written outside `collect` holds its actor for the session. */
  private readonly written = new WrittenHandles((actorId) => this.post({ t: "holdActors", actorIds: [actorId], until: { k: "session" } }));
  /** Borrows posted whose owner has not counted them yet. */
  private readonly unacked = new Set<Promise<void>>();
  /** Finds dropped copies when the owner asks (an idle thread may not collect on its own). */
  private readonly collector = new IdleCollector(() => this.live.size > 0, 30_000);

  constructor(
    private readonly post: (message: FromWorker) => void,
    /** Posts `borrowActor`; settles once it is counted (or can never be: the driver is gone). */
    private readonly ask: (actorId: string) => Promise<unknown>,
    /** The job of this thread's process: it owns the actors whose ids carry it (common/ids.ts). */
    private readonly ownJob: string,
  ) {}

  /** A handle instance was made on this thread for `actorId`. */
  held(handle: object, actorId: string): void {
    const n = this.live.get(actorId) ?? 0;
    this.live.set(actorId, n + 1);
    this.registry.register(handle, actorId);
    if (n > 0) return;
    // The process owns it: it reads this borrow before anything this thread posts later.
    if (ownerOf(actorId)?.jobId === this.ownJob) return this.post({ t: "borrowActor", reqId: undefined, actorId });
    const asked: Promise<void> = this.ask(actorId).then(
      () => void this.unacked.delete(asked),
      () => void this.unacked.delete(asked),
    );
    this.unacked.add(asked);
  }

  /** The owner asks: an actor held here may be held by borrowers alone, so collect (backing off while handles stay live). */
  collectWanted(): void {
    this.collector.restart();
  }

  /** This thread got work (a batch of messages): no collection while it is busy. */
  active(): void {
    this.collector.active();
  }

  /** A handle of `actorId` was written into a value. */
  encoded(actorId: string): void {
    this.written.encoded(actorId);
  }

  /** Runs `encode`; returns its value and the actors whose handles it wrote. */
  collect<T>(encode: () => T): { readonly value: T; readonly actors: string[] | undefined } {
    return this.written.collect(encode);
  }

  /** Posts that `actors` (from `collect`) are held until `until`. */
  hold(actors: readonly string[] | undefined, until: ActorHoldEnd): void {
    if (actors !== undefined) this.post({ t: "holdActors", actorIds: actors, until });
  }

  /** Settles once every borrow posted so far is counted by its owner; undefined when none is waiting (the common case). */
  settledBorrows(): Promise<void> | undefined {
    if (this.unacked.size === 0) return undefined;
    return Promise.all([...this.unacked]).then(() => undefined);
  }

  private collected(actorId: string): void {
    const n = (this.live.get(actorId) ?? 1) - 1;
    if (n > 0) return void this.live.set(actorId, n);
    this.live.delete(actorId);
    this.post({ t: "releaseActors", actorIds: [actorId] });
  }
}
