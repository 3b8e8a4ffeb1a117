/**
 * Where a large object is, when its owner does not hold its bytes itself
 * (Ray's ownership model: the owner keeps small objects inline and knows on
 * which node each large one is held). Plain data, so it can cross a wire in
 * a task's arguments: told apart from bytes by `instanceof Uint8Array` and
 * from a failure by `instanceof Error`.
 */
export interface ObjectLocation {
  readonly objectId: string;
  /** The node whose object store holds a copy. */
  readonly heldOn: string;
  /** The object's size in bytes (encoded). */
  readonly size: number;
  /** Other nodes known to hold a copy (pulled there), tried in order when `heldOn` fails (Ray's object directory). */
  readonly copies?: readonly string[];
}

/** The nodes to pull from, in order: where it was made, then the copies its owner heard of. */
export function sourcesOf(location: ObjectLocation): string | readonly string[] {
  return location.copies === undefined ? location.heldOn : [location.heldOn, ...location.copies];
}

/** What an object that is ready stands for in its owner's store: its bytes, or where they are. */
export type Held = Uint8Array | ObjectLocation;

/**
 * A task's resolved top-level ref arguments as the owner has them: bytes, or
 * the node holding a large one (the node that runs the task makes those
 * local before the task starts, see node/task-arguments.ts).
 */
export interface HeldDeps {
  readonly idx: readonly number[];
  readonly bytes: readonly Held[];
  /**
   * Some are locations, each retained in the owner's store (`MemoryStore.retain`)
   * until the task is done with them (`releaseDeps`), so a ref dropped meanwhile
   * cannot free a copy the task's node is about to pull.
   */
  readonly located?: true;
}

/**
 * A result at least this large stays in the object store of the node that
 * made it, and its owner records only where it is (Ray's
 * `max_direct_call_object_size`, 100 KiB); smaller ones go to the owner inline.
 */
export const inlineThreshold = 100 * 1024;

export function isLocation(value: Held): value is ObjectLocation {
  return !(value instanceof Uint8Array);
}
