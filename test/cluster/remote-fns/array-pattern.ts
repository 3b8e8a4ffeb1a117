// The numbers the cluster suites send between nodes and check on arrival: one pattern per seed, so a
// value that arrives shifted, truncated or mixed with another is told apart. Plain functions, used
// where the tasks run and in the tests alike. No top-level side effects: workers import this.

/** `length` float64s: `(i % 1000) * seed + i` at index i. */
export function seededArray(length: number, seed: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = (i % 1000) * seed + i;
  return out;
}

/** Whether every number of `a` is `seededArray`'s for `seed` (whatever its length). */
export function isSeededArray(a: Float64Array, seed: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== (i % 1000) * seed + i) return false;
  return true;
}
