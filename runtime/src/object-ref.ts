/**
 * `ObjectRef<T>`: a future for a value in the object store. Not a thenable:
 * read it with `ray.get`. Covariant in `T` (`out T`), so an
 * `ObjectRef<number>[]` goes wherever `ObjectRef<unknown>[]` is accepted.
 */

declare const valueType: unique symbol;

export class ObjectRef<out T = unknown> {
  /** Type-only marker that carries `T`; never present at run time. */
  declare readonly [valueType]?: T;

  /** Cluster-unique object id. */
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }

  toString(): string {
    return `ObjectRef(${this.id})`;
  }
}
