/**
 * Resource amounts as exact integers of 1e-4 units ("fixed point"), as Ray's
 * `FixedPoint` (ray/src/ray/common/scheduling/fixed_point.h) does.
 *
 * Why integers: adding and subtracting 0.1 CPU as a float a million times
 * drifts (0.1 has no exact binary form), and a scheduler that drifts either
 * leaks capacity or oversubscribes. Every amount is converted once, at the
 * boundary, into a count of 1e-4 units and all arithmetic after that is exact.
 *
 * Why `bigint` rather than integer-valued `number`: memory is counted in bytes,
 * and 1 TiB of memory is 1.1e16 units, beyond `Number.MAX_SAFE_INTEGER`
 * (9.007e15), where integer arithmetic on doubles stops being exact. BigInt
 * arithmetic costs nanoseconds per operation, which is small next to
 * dispatching a task.
 *
 * Invariant: a `Units` value is always an integer count of 1e-4; amounts that
 * came from users are never negative. (Available amounts may go transiently
 * negative: see CPU lending in `node-resources.ts`.)
 */
import { InvalidArgumentError } from "../common/errors.js";

/** An amount in 1e-4 units. Plain `bigint` so it stays cheap to copy and compare. */
export type Units = bigint;

/** Units in one whole resource (1 CPU, 1 GPU, 1 byte of memory, 1 custom). */
export const UNITS_PER_WHOLE: Units = 10_000n;
const SCALE = 10_000;

/**
 * Converts a user amount to units, validating it.
 *
 * Rules, as in Ray (`_validate_resource_quantity` and `FixedPoint(double)`):
 * - not a number, NaN, ±Infinity or negative: rejected;
 * - non-zero but smaller than 1e-4 (it would round to nothing): rejected, as
 *   Ray does ("precision ... cannot go beyond 0.0001");
 * - otherwise rounded to the nearest 1e-4, halves rounding up
 *   (Ray: `(d * 10000) + 0.5` truncated), so 0.00015 → 0.0002 and 0.33333 → 0.3333.
 *
 * @param what names the amount in the error, e.g. `numCpus of add`.
 */
export function toUnits(value: unknown, what: string): Units {
  if (typeof value !== "number") {
    throw new InvalidArgumentError(`${what} must be a number, got ${describe(value)}.`);
  }
  if (Number.isNaN(value)) throw new InvalidArgumentError(`${what} must be a number, got NaN.`);
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError(`${what} must be finite, got ${value}.`);
  }
  if (value < 0) throw new InvalidArgumentError(`${what} cannot be negative, got ${value}.`);
  if (Number.isInteger(value)) return BigInt(value) * UNITS_PER_WHOLE; // exact for any size
  const scaled = value * SCALE;
  if (Math.trunc(scaled) === 0) {
    throw new InvalidArgumentError(
      `${what} is ${value}: resource amounts have a precision of 0.0001; use 0 or at least 0.0001.`,
    );
  }
  return BigInt(Math.round(scaled));
}

/** Units back to user units, for reports (`{ CPU: 1.5 }`). Exact for every amount a user can write. */
export function fromUnits(units: Units): number {
  const whole = units / UNITS_PER_WHOLE; // truncates toward zero
  const rest = units % UNITS_PER_WHOLE; // same sign as units
  return Number(whole) + Number(rest) / SCALE;
}

/** Whether an amount is a whole number of resources (2 GPUs, not 1.5). */
export function isWhole(units: Units): boolean {
  return units % UNITS_PER_WHOLE === 0n;
}

/** Smaller of two amounts. */
export function minUnits(a: Units, b: Units): Units {
  return a < b ? a : b;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}
