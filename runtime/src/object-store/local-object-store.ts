/**
 * The object store of a node in this process (node-object-store.ts): a map
 * of the objects it holds, and one `ObjectTransfer` per connected node, which
 * both pulls from that node and serves its pulls from here.
 *
 * The driver's node shares its objects with the owner's memory store (they
 * live in one process): `alsoHolds` lets peers pull those too, so an object
 * is never copied from the owner's store into the node's.
 */
import { ObjectLostError } from "../common/errors.js";
import type { NodeObjectStore, NodeObjectStoreStats } from "./node-object-store.js";
import { ObjectTransfer, defaultTransferLimits, type TransferConnection, type TransferLimits, type TransferStats } from "./object-transfer.js";

export interface LocalObjectStoreOptions {
  /** Objects this node holds outside this map (the owner's memory store on the driver's node). */
  readonly alsoHolds?: (id: string) => Uint8Array | undefined;
  readonly limits?: TransferLimits;
  /** This node now holds a copy it pulled (its owner records it, so later pulls may come here). */
  readonly onCopy?: (id: string) => void;
  /**
   * A node this store has no connection to is about to be pulled from: connect to it now if it
   * can be reached (a ws cluster's node, issue 11), calling `connect` before it returns.
   */
  readonly reach?: (nodeId: string) => void;
}

export class LocalObjectStore implements NodeObjectStore {
  private readonly objects = new Map<string, Uint8Array>();
  private bytes = 0;
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  private readonly peers = new Map<string, ObjectTransfer>();
  private pulls = 0;
  private pullsFailed = 0;

  constructor(
    readonly nodeId: string,
    private readonly options: LocalObjectStoreOptions = {},
  ) {}

  /** Joins this store to node `nodeId`'s over `connection` (the peer does the same with the other end). */
  connect(nodeId: string, connection: TransferConnection): ObjectTransfer {
    const transfer = new ObjectTransfer(connection, (id) => this.get(id), nodeId, this.options.limits ?? defaultTransferLimits);
    this.peers.set(nodeId, transfer);
    return transfer;
  }

  /** The transfer to node `nodeId` (for tests and diagnostics). */
  transferTo(nodeId: string): ObjectTransfer | undefined {
    return this.peers.get(nodeId);
  }

  put(id: string, bytes: Uint8Array): void {
    if (this.objects.has(id)) return; // immutable once set
    this.objects.set(id, bytes);
    this.bytes += bytes.byteLength;
  }

  get(id: string): Uint8Array | undefined {
    return this.objects.get(id) ?? this.options.alsoHolds?.(id);
  }

  pull(id: string, from: string | readonly string[], size?: number): Promise<Uint8Array> {
    const held = this.get(id);
    if (held !== undefined) return Promise.resolve(held);
    const inFlight = this.inFlight.get(id);
    if (inFlight !== undefined) return inFlight;
    this.pulls++;
    const sources = typeof from === "string" ? [from] : from;
    const pulled: Promise<Uint8Array> = this.pullFrom(id, sources, 0, size, undefined).then(
      (bytes) => {
        // Freed while it was on its way: handed to those waiting, not kept.
        if (this.inFlight.get(id) === pulled) {
          this.inFlight.delete(id);
          this.put(id, bytes);
          this.options.onCopy?.(id);
        }
        return bytes;
      },
      (error: unknown) => {
        if (this.inFlight.get(id) === pulled) this.inFlight.delete(id);
        this.pullsFailed++;
        throw error;
      },
    );
    this.inFlight.set(id, pulled);
    return pulled;
  }

  /** Tries `sources[k]`, then the next on `ObjectLostError` (one step per source node, a handful at most). */
  private pullFrom(id: string, sources: readonly string[], k: number, size: number | undefined, last: Error | undefined): Promise<Uint8Array> {
    if (k >= sources.length) {
      return Promise.reject(last ?? new ObjectLostError(id, `Object ${id} is lost: no node holds it any more. Compute or put the value again.`));
    }
    const from = sources[k]!;
    if (from !== this.nodeId && !this.peers.has(from)) this.options.reach?.(from);
    const peer = from === this.nodeId ? undefined : this.peers.get(from);
    if (peer === undefined) {
      const why = from === this.nodeId ? `node ${from} (this node) does not hold it any more` : `node ${from} cannot be reached from node ${this.nodeId}`;
      return this.pullFrom(id, sources, k + 1, size, new ObjectLostError(id, `Object ${id} is lost: ${why}. Compute or put the value again.`));
    }
    return peer.pull(id, size).catch((error: unknown) => {
      if (!(error instanceof ObjectLostError)) throw error;
      return this.pullFrom(id, sources, k + 1, size, error);
    });
  }

  free(id: string): void {
    this.inFlight.delete(id);
    const bytes = this.objects.get(id);
    if (bytes === undefined) return;
    this.objects.delete(id);
    this.bytes -= bytes.byteLength;
  }

  stats(): NodeObjectStoreStats {
    const transfer: TransferStats = { pullsStarted: 0, pullsServed: 0, chunksSent: 0, chunksReceived: 0, bytesReceived: 0, maxUnacked: 0 };
    for (const p of this.peers.values()) {
      const s = p.stats;
      transfer.pullsStarted += s.pullsStarted;
      transfer.pullsServed += s.pullsServed;
      transfer.chunksSent += s.chunksSent;
      transfer.chunksReceived += s.chunksReceived;
      transfer.bytesReceived += s.bytesReceived;
      transfer.maxUnacked = Math.max(transfer.maxUnacked, s.maxUnacked);
    }
    return { objects: this.objects.size, bytes: this.bytes, pulls: this.pulls, pullsFailed: this.pullsFailed, transfer };
  }

  /** Closes every connection (the node shuts down): pulls in progress on either end fail with `ObjectLostError`. */
  close(reason: string): void {
    for (const p of this.peers.values()) p.connection.close(1000, reason);
    this.peers.clear();
    this.objects.clear();
    this.inFlight.clear();
    this.bytes = 0;
  }
}
