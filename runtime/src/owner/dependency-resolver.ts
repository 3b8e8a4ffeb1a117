/**
 * Waits for the objects a call's top-level ref arguments name, without
 * holding a worker or a CPU meanwhile. Reports once: the resolved values (in
 * argument order) or the first error among them.
 *
 * Large objects go by reference when the cluster has other nodes (Ray passes
 * large arguments by reference too): `resolveHeldDeps` (normal tasks) passes
 * an object held on another node as its location, and a large object the
 * owner holds as a location on the owner's node, so the node that runs the
 * task makes each local there (node/task-arguments.ts) and an object is
 * never sent in a task message nor pulled to the owner's node on its way
 * elsewhere. Each location is retained in the owner's store until the task
 * is done with it (`releaseDeps`). `resolveDeps` (actors: the owner posts
 * their arguments to their worker itself, on whatever node it runs) pulls
 * objects held elsewhere to the owner's node and reports bytes.
 */
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Settled, Waiter } from "../object-store/waiter.js";
import { inlineThreshold, isLocation, type Held, type HeldDeps } from "../object-store/object-location.js";
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
  for (const held of deps.bytes) if (held !== undefined && isLocation(held)) store.release(held.objectId);
}

function start(store: MemoryStore, refIdx: readonly number[], refIds: readonly string[], done: (outcome: DepsOutcome<HeldDeps>) => void, fetch: boolean): void {
  const request = new DepsRequest(refIdx, refIds, done, store, fetch);
  for (let k = 0; k < refIds.length && !request.reported; k++) store.whenSettled(refIds[k]!, request, k);
}

/** One record per call (no closure per argument): the store tells it each argument's position as it settles. */
class DepsRequest implements Waiter {
  reported = false;
  private readonly bytes: Held[];
  private remaining: number;
  private located: true | undefined;
  /** Where large bytes the owner holds go by reference (undefined: a single node, or actors). */
  private readonly ownerNode: string | undefined;

  constructor(
    private readonly refIdx: readonly number[],
    private readonly refIds: readonly string[],
    private readonly done: (outcome: DepsOutcome<HeldDeps>) => void,
    private readonly store: MemoryStore,
    /** Locations are fetched to bytes (else passed on, retained). */
    private readonly fetch: boolean,
  ) {
    this.bytes = new Array<Held>(refIds.length);
    this.remaining = refIds.length;
    this.ownerNode = fetch ? undefined : store.ownerNode;
  }

  settled(at: number, s: Settled): void {
    if (this.reported) return;
    if (s instanceof Error) {
      this.reported = true;
      if (this.located !== undefined) releaseDeps(this.store, { idx: this.refIdx, bytes: this.bytes, located: true });
      return this.done({ error: s });
    }
    let held: Held = s;
    if (!(s instanceof Uint8Array)) {
      if (this.fetch) return this.store.fetchFor(this, at, s);
    } else if (this.ownerNode !== undefined && s.byteLength >= inlineThreshold) {
      held = { objectId: this.refIds[at]!, heldOn: this.ownerNode, size: s.byteLength };
    }
    if (isLocation(held)) {
      // Retained at once: a ref dropped as the object settles is dropped only after this (memory-store.ts).
      this.store.retain(held.objectId);
      this.located = true;
    }
    this.bytes[at] = held;
    if (--this.remaining === 0) {
      this.reported = true;
      this.done({ deps: this.located === undefined ? { idx: this.refIdx, bytes: this.bytes } : { idx: this.refIdx, bytes: this.bytes, located: true } });
    }
  }
}
