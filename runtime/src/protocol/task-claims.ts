/**
 * Claim cells: how the driver takes back a task it sent ahead to a thread
 * without a round trip (work stealing).
 *
 * A task sent ahead waits in its lane behind a running one. Each such task
 * gets a cell (an `Int32` in a `SharedArrayBuffer` the driver shares with the
 * thread) holding `ticket·4 + state`. Before starting it the thread claims it
 * (`UNCLAIMED → STARTED`, compare-and-exchange); when a CPU goes idle the
 * driver revokes it (`UNCLAIMED → REVOKED`) and sends it elsewhere at once,
 * even while the thread is busy in a long synchronous task and cannot read a
 * message. Exactly one of the two exchanges succeeds, so a task runs once.
 *
 * The ticket (fresh per use of a cell) lets the driver reuse a cell as soon
 * as its task is finished or revoked: a revoked task's message still queued
 * on the thread finds another ticket in the cell and is skipped as revoked.
 * Tickets wrap after 2²⁹ uses of one table, far beyond any message's life.
 *
 * Only threads share memory with the driver: child-process workers get no
 * cells, so nothing is sent ahead to them.
 *
 * The driver side (`ClaimTable`) and the thread side (`claimToStart`) both
 * live here; the file imports nothing.
 */

const UNCLAIMED = 0;
const STARTED = 1;
const REVOKED = 2;
const TICKETS = 1 << 29;

/** Cells per thread: more tasks sent ahead than this to one thread wait in the driver's queue. */
export const claimCellsPerThread = 1024;

/**
 * A sent-ahead task's claim, as its `run` message carries it: one number,
 * `ticket · claimCellsPerThread + cell` (a safe integer below 2³⁹), so the
 * message gains a number, not an object to clone.
 */
export type TaskClaim = number;

/** The driver's side: one table per thread, allocating, revoking and freeing cells. */
export class ClaimTable {
  readonly buffer = new SharedArrayBuffer(claimCellsPerThread * Int32Array.BYTES_PER_ELEMENT);
  private readonly cells = new Int32Array(this.buffer);
  /** Free cell indexes (a stack). */
  private readonly free: number[] = Array.from({ length: claimCellsPerThread }, (_, i) => claimCellsPerThread - 1 - i);
  private nextTicket = 0;

  /** A fresh unclaimed cell, or undefined when all are in use. */
  take(): TaskClaim | undefined {
    const cell = this.free.pop();
    if (cell === undefined) return undefined;
    const ticket = this.nextTicket;
    this.nextTicket = (ticket + 1) % TICKETS;
    Atomics.store(this.cells, cell, ticket * 4 + UNCLAIMED);
    return ticket * claimCellsPerThread + cell;
  }

  /** Takes the task back if the thread has not started it; true: it never will. */
  revoke(claim: TaskClaim): boolean {
    const unclaimed = ticketOf(claim) * 4 + UNCLAIMED;
    return Atomics.compareExchange(this.cells, cellOf(claim), unclaimed, unclaimed - UNCLAIMED + REVOKED) === unclaimed;
  }

  /** The task finished or was revoked: its cell may be reused (under a new ticket). */
  release(claim: TaskClaim): void {
    this.free.push(cellOf(claim));
  }
}

/**
 * The thread's side: may the task with this claim start? False when the
 * driver revoked it (it runs elsewhere): the thread drops it unreported.
 */
export function claimToStart(cells: Int32Array | undefined, claim: TaskClaim): boolean {
  if (cells === undefined) throw new Error("tsray: a task came with a claim before the thread's claim cells");
  const unclaimed = ticketOf(claim) * 4 + UNCLAIMED;
  return Atomics.compareExchange(cells, cellOf(claim), unclaimed, unclaimed - UNCLAIMED + STARTED) === unclaimed;
}

/** Whether the task could still be claimed (neither started nor revoked), without claiming it. */
export function claimable(cells: Int32Array | undefined, claim: TaskClaim): boolean {
  return cells !== undefined && Atomics.load(cells, cellOf(claim)) === ticketOf(claim) * 4 + UNCLAIMED;
}

function cellOf(claim: TaskClaim): number {
  return claim % claimCellsPerThread;
}

function ticketOf(claim: TaskClaim): number {
  return Math.floor(claim / claimCellsPerThread);
}
