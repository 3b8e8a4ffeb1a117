/**
 * Waits for the objects a call's top-level ref arguments name, without
 * holding a worker or a CPU meanwhile. Reports once: the resolved values (in
 * argument order) or the first error among them.
 *
 * A large object held on another node (object-store/object-location.ts) is
 * resolved two ways: `resolveHeldDeps` (normal tasks) passes its location on,
 * and the node that runs the task makes it local there (node/task-arguments.ts),
 * so an object is never pulled to the owner's node only to be sent on;
 * `resolveDeps` (actors, which live on the owner's node) pulls it here first.
 */
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Settled, Waiter } from "../object-store/waiter.js";
import type { Held, HeldDeps } from "../object-store/object-location.js";
import type { ResolvedDeps } from "../common/task-spec.js";

export type DepsOutcome<D = ResolvedDeps> = { readonly deps: D; readonly error?: undefined } | { readonly deps?: undefined; readonly error: Error };

/** The arguments as bytes: objects held on other nodes are pulled to the owner's node first. */
export function resolveDeps(
  store: MemoryStore,
  refIdx: readonly number[],
  refIds: readonly string[],
  done: (outcome: DepsOutcome) => void,
): void {
  start(store, refIdx, refIds, done as (outcome: DepsOutcome<HeldDeps>) => void, true);
}

/** The arguments as bytes or locations (see the top of this file). */
export function resolveHeldDeps(
  store: MemoryStore,
  refIdx: readonly number[],
  refIds: readonly string[],
  done: (outcome: DepsOutcome<HeldDeps>) => void,
): void {
  start(store, refIdx, refIds, done, false);
}

/** The task is done with its arguments: the locations among them are released (see `HeldDeps.located`). */
export function releaseDeps(store: MemoryStore, deps: HeldDeps | undefined): void {
  if (deps?.located === undefined) return;
  for (const held of deps.bytes) if (!(held instanceof Uint8Array)) store.release(held);
}

function start(store: MemoryStore, refIdx: readonly number[], refIds: readonly string[], done: (outcome: DepsOutcome<HeldDeps>) => void, fetch: boolean): void {
  const request = new DepsRequest(refIdx, refIds.length, done, store, fetch);
  for (let k = 0; k < refIds.length && !request.reported; k++) store.whenSettled(refIds[k]!, request, k);
}

/** One record per call (no closure per argument): the store tells it each argument's position as it settles. */
class DepsRequest implements Waiter {
  reported = false;
  private readonly bytes: Held[];
  private remaining: number;
  private located: true | undefined;

  constructor(
    private readonly refIdx: readonly number[],
    count: number,
    private readonly done: (outcome: DepsOutcome<HeldDeps>) => void,
    private readonly store: MemoryStore,
    /** Locations are fetched to bytes (else passed on, retained). */
    private readonly fetch: boolean,
  ) {
    this.bytes = new Array<Held>(count);
    this.remaining = count;
  }

  settled(at: number, s: Settled): void {
    if (this.reported) return;
    if (s instanceof Error) {
      this.reported = true;
      if (this.located !== undefined) releaseDeps(this.store, { idx: this.refIdx, bytes: this.bytes, located: true });
      return this.done({ error: s });
    }
    if (!(s instanceof Uint8Array)) {
      // Retained at once (here or by `fetchFor`): a ref dropped as this settles frees the copies only after (memory-store.ts).
      if (this.fetch) return this.store.fetchFor(this, at, s);
      this.store.retain(s);
      this.located = true;
    }
    this.bytes[at] = s;
    if (--this.remaining === 0) {
      this.reported = true;
      this.done({ deps: this.located === undefined ? { idx: this.refIdx, bytes: this.bytes } : { idx: this.refIdx, bytes: this.bytes, located: true } });
    }
  }
}
