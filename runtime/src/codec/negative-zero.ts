/**
 * Negative zero. msgpackr writes any number that is an unsigned 32-bit integer
 * (`value >>> 0 === value`, which `-0` passes) as a msgpack integer, so `-0`
 * would arrive as `0`. When the serializability check saw a `-0`, the value
 * is copied with each `-0` replaced by {@link NEGATIVE_ZERO}, which the codec
 * writes as its own extension (0x23) and reads back as `-0`.
 *
 * Only containers the check walks are copied (plain and null-prototype
 * objects, arrays, Map, Set), with sharing and cycles kept; everything else is
 * reused as is. A `-0` inside an Error's properties or inside a typed array
 * needs no help (typed arrays travel as bytes) or is not rewritten (errors).
 */

/** Stands for `-0` while a value is being encoded. */
export class NegativeZero {}
export const NEGATIVE_ZERO = new NegativeZero();

const ObjectPrototype = Object.prototype;
const hasOwn = Object.prototype.hasOwnProperty;

/** A copy of `value` in which every `-0` a container holds is {@link NEGATIVE_ZERO}. */
export function replaceNegativeZeros(value: unknown): unknown {
  return copy(value, new Map());
}

function copy(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value === "number") return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
  if (typeof value !== "object" || value === null) return value;
  const existing = copies.get(value);
  if (existing !== undefined) return existing;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === ObjectPrototype || proto === null) {
    const source = value as Record<string, unknown>;
    const target = Object.create(proto as object | null) as Record<string, unknown>;
    copies.set(value, target);
    for (const key in source) {
      if (!hasOwn.call(source, key)) continue;
      // defineProperty, not assignment: a key named "__proto__" must stay a key.
      Object.defineProperty(target, key, {
        value: copy(source[key], copies),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return target;
  }
  if (Array.isArray(value) && proto === Array.prototype) {
    const target: unknown[] = new Array<unknown>(value.length);
    copies.set(value, target);
    for (let i = 0; i < value.length; i++) target[i] = copy(value[i], copies);
    return target;
  }
  if (value instanceof Map && proto === Map.prototype) {
    const target = new Map<unknown, unknown>();
    copies.set(value, target);
    for (const [key, entry] of value) target.set(copy(key, copies), copy(entry, copies));
    return target;
  }
  if (value instanceof Set && proto === Set.prototype) {
    const target = new Set<unknown>();
    copies.set(value, target);
    for (const item of value) target.add(copy(item, copies));
    return target;
  }
  return value;
}
