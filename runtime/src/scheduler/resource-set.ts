/**
 * An immutable map of resource name → amount in 1e-4 units (`fixed-point.ts`).
 *
 * Names: `CPU`, `GPU`, `memory` (bytes) and any custom name (`Custom`,
 * `accelerator:A100`). Ray uses the same names in `ray.cluster_resources()`.
 *
 * Invariants:
 * - no entry holds 0: a missing name and a zero amount mean the same thing, so
 *   `equals` and `key` see one canonical form;
 * - instances never change after construction; every operation returns a new set.
 *
 * Amounts are normally ≥ 0. `subtract` may produce a negative entry; only a
 * node's available CPU is ever allowed to be negative (CPU lending, see
 * `node-resources.ts`), and callers that need ≥ 0 check `fits` first.
 */
import { InvalidArgumentError } from "../common/errors.js";
import { fromUnits, toUnits, type Units } from "./fixed-point.js";

export const CPU = "CPU";
export const GPU = "GPU";
export const MEMORY = "memory";

export class ResourceSet {
  static readonly EMPTY = new ResourceSet(new Map());

  private readonly amounts: ReadonlyMap<string, Units>;
  private cachedKey: string | undefined;

  private constructor(amounts: Map<string, Units>) {
    this.amounts = amounts;
  }

  /** From amounts already in units; zero entries are dropped. */
  static fromUnits(entries: Iterable<readonly [string, Units]>): ResourceSet {
    const map = new Map<string, Units>();
    for (const [name, units] of entries) {
      const sum = (map.get(name) ?? 0n) + units;
      if (sum === 0n) map.delete(name);
      else map.set(name, sum);
    }
    return map.size === 0 ? ResourceSet.EMPTY : new ResourceSet(map);
  }

  /**
   * From user amounts (`{ CPU: 2, GPU: 0.5 }`), validated by `toUnits`.
   * @param where names the owner in errors, e.g. `options of add`.
   */
  static of(amounts: { readonly [name: string]: number }, where = "resources"): ResourceSet {
    const entries: Array<[string, Units]> = [];
    for (const [name, value] of Object.entries(amounts)) {
      if (name === "") throw new InvalidArgumentError(`${where}: a resource name cannot be empty.`);
      entries.push([name, toUnits(value, `${where}: resource "${name}"`)]);
    }
    return ResourceSet.fromUnits(entries);
  }

  /** The amount of `name` in units (0n when absent). */
  get(name: string): Units {
    return this.amounts.get(name) ?? 0n;
  }

  has(name: string): boolean {
    return this.amounts.has(name);
  }

  isEmpty(): boolean {
    return this.amounts.size === 0;
  }

  names(): IterableIterator<string> {
    return this.amounts.keys();
  }

  entries(): IterableIterator<[string, Units]> {
    return this.amounts.entries();
  }

  add(other: ResourceSet): ResourceSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return this.combine(other, 1n);
  }

  /** `this - other`, entry by entry; may produce negative entries (see the file comment). */
  subtract(other: ResourceSet): ResourceSet {
    if (other.isEmpty()) return this;
    return this.combine(other, -1n);
  }

  /** `this + sign * other` without intermediate arrays (this is on the dispatch hot path). */
  private combine(other: ResourceSet, sign: 1n | -1n): ResourceSet {
    const map = new Map(this.amounts);
    for (const [name, units] of other.amounts) {
      const sum = (map.get(name) ?? 0n) + sign * units;
      if (sum === 0n) map.delete(name);
      else map.set(name, sum);
    }
    return map.size === 0 ? ResourceSet.EMPTY : new ResourceSet(map);
  }

  /** Only the named resources (e.g. CPU alone, for lending). */
  pick(names: readonly string[]): ResourceSet {
    return ResourceSet.fromUnits(names.map((n) => [n, this.get(n)] as const));
  }

  /** Everything but the named resources. */
  omit(names: readonly string[]): ResourceSet {
    return ResourceSet.fromUnits([...this.amounts].filter(([n]) => !names.includes(n)));
  }

  /** Only entries greater than zero (how availability is reported, as Ray does). */
  positive(): ResourceSet {
    return ResourceSet.fromUnits([...this.amounts].filter(([, u]) => u > 0n));
  }

  /** Whether `demand` fits in this set: every demanded amount ≤ the amount here. */
  fits(demand: ResourceSet): boolean {
    for (const [name, units] of demand.amounts) {
      if (units > this.get(name)) return false;
    }
    return true;
  }

  /** Whether every amount here is ≤ the same amount in `other`. */
  isSubsetOf(other: ResourceSet): boolean {
    return other.fits(this);
  }

  /** What `capacity` lacks to hold this demand: the positive part of `this - capacity`. */
  missingIn(capacity: ResourceSet): ResourceSet {
    const missing: Array<[string, Units]> = [];
    for (const [name, units] of this.amounts) {
      const lack = units - capacity.get(name);
      if (lack > 0n) missing.push([name, lack]);
    }
    return ResourceSet.fromUnits(missing);
  }

  equals(other: ResourceSet): boolean {
    return this.key() === other.key();
  }

  /** Canonical text, stable across insertion orders: `CPU=10000,GPU=5000`. Used to group shapes. */
  key(): string {
    if (this.cachedKey === undefined) {
      this.cachedKey = [...this.amounts]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([n, u]) => `${n}=${u}`)
        .join(",");
    }
    return this.cachedKey;
  }

  /**
   * User units, names sorted: `{ CPU: 1.5, GPU: 1 }`. What reports and `JSON.stringify` show.
   * Built with `Object.fromEntries`, which defines own properties: an assignment
   * `out["__proto__"] = 1` would set the prototype instead, and the resource would vanish.
   */
  toJSON(): Record<string, number> {
    const names = [...this.amounts.keys()].sort();
    return Object.fromEntries(names.map((name) => [name, fromUnits(this.get(name))]));
  }

  toString(): string {
    const parts = Object.entries(this.toJSON()).map(([n, v]) => `${n}: ${v}`);
    return `{${parts.join(", ")}}`;
  }
}
