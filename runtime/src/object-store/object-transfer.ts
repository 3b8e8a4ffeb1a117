/**
 * One end of the object-transfer protocol (protocol/object-transfer.ts) over
 * a connection to another node: it pulls objects from the peer and serves the
 * peer's pulls from this node's store. Both directions share the connection.
 *
 * Pulling: the bytes are assembled into one buffer of the object's size,
 * allocated at the first chunk; every chunk is copied out of the message
 * (the in-memory transport passes the holder's view by reference) and
 * acknowledged, which is the holder's credit for the next one.
 * Serving: chunks are views of the held bytes (never written: stored bytes
 * are immutable), at most the puller's `window` unacknowledged at a time.
 * Credit that comes back is spent in a later turn of the event loop
 * (`setImmediate`), never at once: a transport that delivers in microtasks
 * (the in-memory one) would otherwise run a whole transfer as one chain of
 * them, so neither node's event loop copies more than a window per turn.
 *
 * Nothing hangs: when the connection closes (the peer's node is gone), every
 * pull in progress rejects with `ObjectLostError`, and a pull asked of a
 * closed connection rejects at once.
 */
import { ObjectLostError } from "../common/errors.js";
import { CloseCode, type CloseEvent, type Connection } from "../protocol/connection.js";
import { transferMessageProblem, unreachableTransfer, type ObjectTransferMessage } from "../protocol/object-transfer.js";

export interface TransferLimits {
  /** Bytes per chunk. */
  readonly chunkBytes: number;
  /** Chunks sent and not yet acknowledged, at most. */
  readonly window: number;
}

/** 1 MiB chunks, 8 in flight: 8 MiB buffered per pull at most, as Ray bounds its pulls' bytes in flight. */
export const defaultTransferLimits: TransferLimits = { chunkBytes: 1 << 20, window: 8 };

/** What a holder grants a puller at most, whatever it asks (a peer's message is input like any other). */
const maxChunkBytes = 16 << 20;
const maxWindow = 64;

/** Figures of one end, for tests and diagnostics. */
export interface TransferStats {
  pullsStarted: number;
  pullsServed: number;
  chunksSent: number;
  chunksReceived: number;
  bytesReceived: number;
  /** The most chunks this end had sent and not had acknowledged at once. */
  maxUnacked: number;
}

interface Incoming {
  readonly objectId: string;
  /** The size the owner recorded, when known: a holder announcing another fails the pull before anything is allocated. */
  readonly size: number | undefined;
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  buffer: Uint8Array | undefined;
  received: number;
}

interface Outgoing {
  readonly bytes: Uint8Array;
  readonly chunkBytes: number;
  readonly window: number;
  offset: number;
  unacked: number;
  /** A `pump` is scheduled for the next turn. */
  scheduled: boolean;
}

export type TransferConnection = Connection<ObjectTransferMessage, ObjectTransferMessage>;

export class ObjectTransfer {
  private nextPullId = 0;
  private readonly pulls = new Map<number, Incoming>();
  private readonly serving = new Map<number, Outgoing>();
  private closedWith: string | undefined;
  readonly stats: TransferStats = { pullsStarted: 0, pullsServed: 0, chunksSent: 0, chunksReceived: 0, bytesReceived: 0, maxUnacked: 0 };

  /**
   * @param holds This node's copy of an object, if it holds one (what a peer's pull is served from).
   * @param peer The peer's name in error messages (its node id).
   */
  constructor(
    readonly connection: TransferConnection,
    private readonly holds: (objectId: string) => Uint8Array | undefined,
    private readonly peer: string,
    private readonly limits: TransferLimits = defaultTransferLimits,
  ) {
    connection.onClose = (event) => this.closed(event);
    connection.onMessage = (m) => this.receive(m);
  }

  /**
   * The object's bytes, pulled from the peer; rejects with `ObjectLostError` if the peer lacks it,
   * goes away, or announces another size than `size` (the owner's record, when the caller has it).
   */
  pull(objectId: string, size?: number): Promise<Uint8Array> {
    // A connection still "connecting" (a ws client not welcomed yet, just dialled to reach this
    // holder) queues the pull until it opens.
    if (this.closedWith !== undefined || this.connection.state === "closing" || this.connection.state === "closed") {
      return Promise.reject(this.lost(objectId, `the connection to node ${this.peer} is closed${this.closedWith ?? ""}`));
    }
    const pullId = ++this.nextPullId;
    this.stats.pullsStarted++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pulls.set(pullId, { objectId, size, resolve, reject, buffer: undefined, received: 0 });
      const { chunkBytes, window } = this.limits;
      this.connection.send({ t: "pull", pullId, objectId, chunkBytes, window });
    });
  }

  /** Pulls in progress (for tests: zero once every pull ended). */
  get pending(): number {
    return this.pulls.size;
  }

  private receive(m: ObjectTransferMessage): void {
    const problem = transferMessageProblem(m);
    if (problem !== undefined) {
      // A peer that breaks the protocol loses this connection (its pulls here fail), nothing else.
      const reason = `node ${this.peer} sent a malformed object-transfer message (${problem})`;
      process.stderr.write(`tsray: closing the object-transfer connection: ${reason}\n`);
      if (this.connection.state === "open") this.connection.close(CloseCode.PROTOCOL_ERROR, reason);
      return;
    }
    switch (m.t) {
      case "pull":
        return this.serve(m.pullId, m.objectId, m.chunkBytes, m.window);
      case "ack": {
        const out = this.serving.get(m.pullId);
        if (out === undefined) return; // ended or cancelled: late acks are expected
        out.unacked--;
        if (!out.scheduled) {
          out.scheduled = true;
          setImmediate(() => {
            out.scheduled = false;
            if (this.serving.get(m.pullId) === out) this.pump(m.pullId, out);
          });
        }
        return;
      }
      case "cancel":
        this.serving.delete(m.pullId);
        return;
      case "chunk":
        return this.chunk(m.pullId, m.offset, m.size, m.bytes);
      case "end": {
        const pull = this.take(m.pullId);
        if (pull === undefined) return;
        if (pull.received !== m.size) return pull.reject(this.lost(pull.objectId, `node ${this.peer} ended it after ${pull.received} of ${m.size} bytes`));
        return pull.resolve(pull.buffer ?? new Uint8Array(0));
      }
      case "lost": {
        const pull = this.take(m.pullId);
        return pull?.reject(this.lost(pull.objectId, m.message));
      }
      default:
        return unreachableTransfer(m);
    }
  }

  private serve(pullId: number, objectId: string, chunkBytes: number, window: number): void {
    const bytes = this.holds(objectId);
    if (bytes === undefined) {
      this.send({ t: "lost", pullId, message: "that node does not hold it (it was freed there, or never made there)" });
      return;
    }
    this.stats.pullsServed++;
    // The puller's limits, kept sane: 1 byte … 16 MiB a chunk, 1 … 64 chunks in flight.
    const clamp = (n: number, most: number) => Math.min(most, Math.max(1, Math.floor(n) || 1));
    const out: Outgoing = { bytes, chunkBytes: clamp(chunkBytes, maxChunkBytes), window: clamp(window, maxWindow), offset: 0, unacked: 0, scheduled: false };
    this.serving.set(pullId, out);
    this.pump(pullId, out);
  }

  /** Sends chunks while the puller's credit lasts; `end` after the last one. */
  private pump(pullId: number, out: Outgoing): void {
    const size = out.bytes.byteLength;
    while (out.unacked < out.window && out.offset < size) {
      const end = Math.min(size, out.offset + out.chunkBytes);
      if (!this.send({ t: "chunk", pullId, offset: out.offset, size, bytes: out.bytes.subarray(out.offset, end) })) return;
      out.offset = end;
      out.unacked++;
      this.stats.chunksSent++;
      if (out.unacked > this.stats.maxUnacked) this.stats.maxUnacked = out.unacked;
    }
    if (out.offset >= size) {
      this.serving.delete(pullId);
      this.send({ t: "end", pullId, size });
    }
  }

  private chunk(pullId: number, offset: number, size: number, bytes: Uint8Array): void {
    const pull = this.pulls.get(pullId);
    if (pull === undefined) return; // given up meanwhile
    const wrong =
      pull.size !== undefined && size !== pull.size
        ? `a size of ${size} bytes where its owner recorded ${pull.size}`
        : offset !== pull.received || offset + bytes.byteLength > size || (pull.buffer !== undefined && pull.buffer.byteLength !== size)
          ? `a chunk out of order (offset ${offset}, expected ${pull.received})`
          : undefined;
    if (wrong !== undefined) {
      this.take(pullId);
      this.send({ t: "cancel", pullId });
      return pull.reject(this.lost(pull.objectId, `node ${this.peer} sent ${wrong}`));
    }
    pull.buffer ??= new Uint8Array(size);
    pull.buffer.set(bytes, offset);
    pull.received += bytes.byteLength;
    this.stats.chunksReceived++;
    this.stats.bytesReceived += bytes.byteLength;
    this.send({ t: "ack", pullId });
  }

  private take(pullId: number): Incoming | undefined {
    const pull = this.pulls.get(pullId);
    if (pull !== undefined) this.pulls.delete(pullId);
    return pull;
  }

  /** Sends unless the connection is closing (then its close handler fails what is pending). */
  private send(m: ObjectTransferMessage): boolean {
    if (this.connection.state !== "open") return false;
    this.connection.send(m);
    return true;
  }

  private closed(event: CloseEvent): void {
    this.closedWith = ` (${event.reason || `code ${event.code}`})`;
    this.serving.clear();
    const pulls = [...this.pulls.values()];
    this.pulls.clear();
    for (const p of pulls) p.reject(this.lost(p.objectId, `the connection to node ${this.peer} closed${this.closedWith}`, event.error));
  }

  private lost(objectId: string, why: string, cause?: Error): ObjectLostError {
    return new ObjectLostError(
      objectId,
      `Object ${objectId} could not be pulled from node ${this.peer}: ${why}. ` +
        "Its only copy was there; compute or put the value again.",
      cause !== undefined ? { cause } : undefined,
    );
  }
}
