/**
 * Coalesces the messages one side of a thread port posts within one turn of
 * its event loop into a single `postMessage` of an array: a port message
 * costs far more than the bytes in it, so a burst (results of pipelined
 * tasks, a loop of `.remote()` calls) crosses as one. Order is kept; the
 * batch leaves at the end of the current microtask queue, so no message
 * waits for anything else.
 *
 * `collect` sends what a known stretch of work posts when that work returns,
 * without queueing a microtask: Node's `queueMicrotask` builds an
 * `AsyncResource` per call (and copies the task context's store on a thread),
 * a measurable part of a one-task round trip.
 */
export class MessageBatcher<M> {
  private batch: M[] = [];
  private transfer: ArrayBuffer[] | undefined;
  /** `collect` calls running: posts made meanwhile leave when the outermost returns. */
  private collecting = 0;

  constructor(private readonly send: (batch: readonly M[], transfer: ArrayBuffer[] | undefined) => void) {}

  post(message: M, transfer?: ArrayBuffer[]): void {
    if (this.batch.length === 0 && this.collecting === 0) queueMicrotask(this.flush);
    this.batch.push(message);
    if (transfer !== undefined && transfer.length > 0) (this.transfer ??= []).push(...transfer);
  }

  /** Runs `body`; what is batched when it returns (or throws) leaves then, in one batch. */
  collect(body: () => void): void {
    this.collecting++;
    try {
      body();
    } finally {
      if (--this.collecting === 0) this.flushNow();
    }
  }

  /** Sends what is batched now (before the thread blocks); the queued microtask then finds nothing. */
  flushNow(): void {
    if (this.batch.length > 0) this.flush();
  }

  private readonly flush = (): void => {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const transfer = this.transfer;
    this.batch = [];
    this.transfer = undefined;
    this.send(batch, transfer);
  };
}
