/**
 * `ObjectRef<T>`: a future for a value in the object store. Not a thenable:
 * read it with `ray.get`. Covariant in `T` (`out T`), so an
 * `ObjectRef<number>[]` goes wherever `ObjectRef<unknown>[]` is accepted.
 */

import { ownerOf, returnIds, type OwnerAddress } from "../common/ids.js";

declare const valueType: unique symbol;

export class ObjectRef<out T = unknown> {
  /** Type-only marker that carries `T`; never present at run time. */
  declare readonly [valueType]?: T;

  /** Cluster-unique object id. */
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }

  /**
   * Who owns the object (the driver or worker that created it, Ray's owner):
   * derived from the id, so a ref costs no more memory for it. `undefined`
   * for an id tsray did not mint.
   */
  get owner(): OwnerAddress | undefined {
    return ownerOf(this.id);
  }

  toString(): string {
    return `ObjectRef(${this.id})`;
  }
}

/** The refs `.remote()` returns for a call: one, or `numReturns` of them (see `returnIds`). */
export function refsFor(taskId: string, numReturns: number): ObjectRef | ObjectRef[] {
  if (numReturns === 1) return new ObjectRef(taskId);
  return returnIds(taskId, numReturns).map((id) => new ObjectRef(id));
}
