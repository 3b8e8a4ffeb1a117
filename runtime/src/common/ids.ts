/**
 * Cheap, cluster-unique ids: a per-thread prefix plus a counter in base 36.
 * Every thread gets its own prefix from the driver, so threads mint ids
 * without talking to each other. The prefix names the minter, which is the
 * owner of what the id names (Ray's ownership: the process that creates an
 * object owns it): `<job>.d<session>.` for the driver of job `<job>` (a
 * random id per `ray.init()`, unique across the cluster's drivers), and
 * `<job>.t<session>.<n>.` for its n-th worker thread. So any process that
 * holds a ref can tell whom to ask about it (`ownerOf`) without a field per ref.
 *
 * A task's single return object shares the task's id; with `numReturns: n > 1`
 * the returns are `<taskId>.0` … `<taskId>.<n-1>`. A streaming generator's
 * yielded values are `<taskId>:0`, `<taskId>:1`, … (`:` is never in a minted id).
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
export function driverIdPrefix(jobId: string, session: number): string {
  return `${jobId}.d${session}.`;
}

export function threadIdPrefix(jobId: string, session: number, thread: number): string {
  return `${jobId}.t${session}.${thread}.`;
}

const MINTED = /^([0-9a-f]+)\.([dt])(\d+)\.(?:(\d+)\.)?/;

/** The session whose driver or thread minted `id`; `undefined` for an id not made by an `IdGenerator` with one of those prefixes. */
export function sessionOf(id: string): number | undefined {
  const m = MINTED.exec(id);
  return m === null ? undefined : Number(m[3]);
}

/**
 * Who owns the object, task or actor an id names: the job (one driver's
 * `ray.init()`) and the worker in it that minted the id — `"driver"` or the
 * thread's worker id `w<n>`. The cluster state maps a job to its driver's
 * node; `undefined` for an id not minted by tsray.
 */
export interface OwnerAddress {
  readonly jobId: string;
  readonly workerId: string;
}

export function ownerOf(id: string): OwnerAddress | undefined {
  const m = MINTED.exec(id);
  if (m === null) return undefined;
  return { jobId: m[1]!, workerId: m[2] === "d" ? "driver" : `w${m[4]!}` };
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

/** The id of the `index`-th value a streaming generator task yielded (its owner knows it without being told). */
export function generatorItemId(taskId: string, index: number): string {
  return `${taskId}:${index}`;
}

/** The generator task whose yielded value `id` names; `undefined` for any other id. */
export function generatorTaskOf(id: string): string | undefined {
  const at = id.lastIndexOf(":");
  return at > 0 && /^\d+$/.test(id.slice(at + 1)) ? id.slice(0, at) : undefined;
}

/** Short random hex, for node and job ids. */
export function randomHex(bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i++) s += Math.floor(Math.random() * 256).toString(16).padStart(2, "0");
  return s;
}
