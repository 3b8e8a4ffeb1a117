/**
 * Two connected in-process ends (`connectInMemory()`), for peers that live in one process: the
 * in-process multi-node test cluster joins its nodes with these, through the same `Connection`
 * the network transport implements. Like a real transport, delivery is asynchronous: what one end
 * sends is queued and handed to the other in a later microtask, in order; messages are passed by
 * reference (not cloned), so a sender must not change a message after sending it. What is sent
 * before the peer sets `onMessage` waits for it, as in a port.
 * `bufferedAmount` is the number of messages sent and not yet delivered. `destroy(error)` plays a
 * peer dying: both ends close abnormally at once, without a handshake.
 */
import { ConnectionClosedError } from "../common/errors.js";
import { FramedConnection } from "./framed-connection.js";

export class InMemoryConnection<Out, In> extends FramedConnection<Out, In> {
  /** @internal set by connectInMemory */
  peer!: InMemoryConnection<In, Out>;
  private queue: unknown[] = [];
  private destroyed = false;

  constructor(protected readonly peerName: string) {
    super();
  }

  override get bufferedAmount(): number {
    return this.queue.length;
  }

  /** Ends both ends abnormally now, as if the peer's process died; `error` becomes the close error's cause. */
  destroy(error?: Error): void {
    if (this.destroyed) return;
    this.destroyed = this.peer.destroyed = true;
    this.queue = [];
    this.peer.queue = [];
    this.peer.peerError = error;
    this.peerError = error;
    this.peer.lost("was destroyed");
    this.lost("was destroyed");
  }

  protected write(message: unknown): void {
    if (this.destroyed) throw new ConnectionClosedError(`Cannot send to ${this.peerName}: the connection was destroyed.`);
    this.queue.push(message);
    if (this.queue.length === 1 && this.peer.reading) queueMicrotask(this.deliver);
  }

  protected startReading(): void {
    if (this.peer.queue.length > 0) queueMicrotask(this.peer.deliver);
  }

  protected release(): void {}

  private readonly deliver = (): void => {
    const queue = this.queue;
    this.queue = [];
    for (const m of queue) this.peer.received(m);
  };
}

/** A pair of connected ends: what `a` sends, `b` receives, and back. */
export function connectInMemory<AtoB, BtoA>(
  aName = "in-memory peer A",
  bName = "in-memory peer B",
): [InMemoryConnection<AtoB, BtoA>, InMemoryConnection<BtoA, AtoB>] {
  // Each end is named after its peer, as errors on it talk about the peer.
  const a = new InMemoryConnection<AtoB, BtoA>(bName);
  const b = new InMemoryConnection<BtoA, AtoB>(aName);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
