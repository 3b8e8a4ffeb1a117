/**
 * How a request waits on the memory store, as the requests see it: the
 * store's side of a get or a wait (`StoreRequest`) without the store itself,
 * so the requests and the store do not import each other.
 */

import type { ObjectLocation } from "./object-location.js";

/**
 * What an object settled to: its bytes, the node holding it (a large object
 * made on another node, see object-location.ts), or the error it stands for.
 */
export type Settled = Uint8Array | ObjectLocation | Error;

/**
 * Something waiting for objects (a get, a wait, a task's arguments): told
 * each one's outcome with the position it asked for it at. One object per
 * request, not a closure per object: a get of a million pending refs waits
 * on a million objects.
 */
export interface Waiter {
  settled(at: number, settled: Settled): void;
}

/** What a `StoreRequest` needs of the store it waits on (`MemoryStore` implements it). */
export interface WaitableStore {
  /** Tells `waiter` (with position `at`) once `id` settles: at once if it has. */
  whenSettled(id: string, waiter: Waiter, at: number): void;
  /** Registers the finisher of an in-progress request, so that closing the store fails it. */
  track(finish: (error?: Error) => void): void;
  untrack(finish: (error?: Error) => void): void;
  /** The error the store was closed with, if it was. */
  readonly isClosed: Error | undefined;
  /**
   * Tells `waiter` (with position `at`) the bytes of an object held on another node once they are
   * on node `to` (default the owner's; pulled), or the error that stopped it; the object is retained meanwhile.
   */
  fetchFor(waiter: Waiter, at: number, location: ObjectLocation, to?: string): void;
}
