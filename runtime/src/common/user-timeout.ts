/**
 * A timer for a timeout a user gave in seconds (`get`/`wait`'s `timeout`,
 * `placementGroup.wait(timeoutSeconds)`).
 *
 * Why: a Node timer holds at most 2^31 − 1 ms (≈ 24.8 days); a longer delay
 * (`1e9` seconds, or `Infinity`) is replaced by 1 ms with only a warning, so
 * "wait practically forever" would time out at once. Such delays mean
 * "no deadline" here: no timer is set. Imports nothing (used by both the
 * driver's store and the public API).
 */

/** The longest delay, in milliseconds, a Node timer can hold. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `onTimeout` after `seconds` (≥ 0); returns the timer, or `undefined`
 * when the delay is longer than a timer can hold (then it never fires).
 */
export function startUserTimeout(seconds: number, onTimeout: () => void): NodeJS.Timeout | undefined {
  const ms = seconds * 1000;
  if (!(ms <= MAX_TIMER_MS)) return undefined;
  return setTimeout(onTimeout, ms);
}
