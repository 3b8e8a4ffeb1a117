/**
 * Cheap, cluster-unique ids: a per-thread prefix plus a counter in base 36.
 * Every thread gets its own prefix from the driver (`d` for the driver, `w3.`
 * for worker 3, …), so threads mint ids without talking to each other.
 *
 * A task's single return object shares the task's id; with `numReturns: n > 1`
 * the returns are `<taskId>.0` … `<taskId>.<n-1>`.
 */
export class IdGenerator {
  private counter = 0;
  constructor(private readonly prefix: string) {}

  next(): string {
    return this.prefix + (++this.counter).toString(36);
  }
}

/**
 * Id prefixes carry the session: the count of `ray.init()` calls in this
 * process (node/prestart.ts), so an id minted by a runtime that was shut
 * down is told apart from every id of a later one (`sessionOf`).
 */
export function driverIdPrefix(session: number): string {
  return `d${session}.`;
}

export function threadIdPrefix(session: number, thread: number): string {
  return `t${session}.${thread}.`;
}

/** The session whose driver or thread minted `id`; `undefined` for an id not made by an `IdGenerator` with one of those prefixes. */
export function sessionOf(id: string): number | undefined {
  const m = /^[dt](\d+)\./.exec(id);
  return m === null ? undefined : Number(m[1]);
}

export function returnIds(taskId: string, numReturns: number): string[] {
  if (numReturns === 1) return [taskId];
  const ids = new Array<string>(numReturns);
  for (let i = 0; i < numReturns; i++) ids[i] = returnId(taskId, numReturns, i);
  return ids;
}

/** The `i`-th return id of a task (no list built: a single return is the task id itself). */
export function returnId(taskId: string, numReturns: number, i: number): string {
  return numReturns === 1 ? taskId : `${taskId}.${i}`;
}

/** Short random hex, for node and job ids. */
export function randomHex(bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i++) s += Math.floor(Math.random() * 256).toString(16).padStart(2, "0");
  return s;
}
