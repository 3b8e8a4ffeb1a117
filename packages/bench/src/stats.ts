/**
 * Summary statistics of repeated runs. The report quotes medians because a
 * 2-core machine shared with compilers and test suites produces outliers in
 * one direction (slower), and the median ignores a minority of them where a
 * mean would not.
 */

/** The median of `xs` (mean of the middle two for an even count). NaN for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Relative spread of the runs: (max − min) / median. Printed next to each
 * median so a reader can tell a stable figure from a noisy one.
 */
export function relativeSpread(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  if (!Number.isFinite(m) || m === 0) return NaN;
  return (Math.max(...xs) - Math.min(...xs)) / Math.abs(m);
}
