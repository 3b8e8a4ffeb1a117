/**
 * The seam of a node's object store (Ray's plasma store and object manager):
 * the objects this node holds, and the way to get one it does not hold from
 * a node that does. Each node has one; the owner (object-store/memory-store.ts)
 * keeps small objects inline and, for a large one, the node it is on.
 *
 * Implementations: `LocalObjectStore` (local-object-store.ts), the store of a
 * node in this process, whose pulls go over any `Connection` carrying the
 * object-transfer protocol: in-memory pairs in the in-process cluster
 * (driver/cluster-objects.ts), WebSocket connections on a real cluster.
 *
 * There is no `wait` here on purpose: whether an object is ready is the
 * owner's knowledge (`ray.wait` asks the owner's store); a node only ever
 * waits for a copy it is pulling, which is what `pull`'s promise is.
 */
import type { TransferStats } from "./object-transfer.js";

export interface NodeObjectStore {
  readonly nodeId: string;
  /** Holds `bytes` as object `id` on this node (a result made here). Stored bytes are never written to. */
  put(id: string, bytes: Uint8Array): void;
  /** This node's copy, if it holds one. Synchronous: a node-local object never waits or goes through a transfer. */
  get(id: string): Uint8Array | undefined;
  /**
   * This node's copy, pulled from node `from` first if this node holds none
   * (several nodes: tried in order until one serves it). Concurrent pulls of
   * one object share one transfer, and the copy is kept, so an object is
   * pulled once per node however many tasks there need it. Rejects with
   * `ObjectLostError` if no node of `from` holds it or can be reached, or
   * holds something of another size than `size` (the owner's record, when the
   * caller has it).
   */
  pull(id: string, from: string | readonly string[], size?: number): Promise<Uint8Array>;
  /** Drops this node's copy (a pull in progress is not kept). */
  free(id: string): void;
  stats(): NodeObjectStoreStats;
}

export interface NodeObjectStoreStats {
  /** Objects held, and their bytes. */
  readonly objects: number;
  readonly bytes: number;
  /** Transfers this node started to get an object (a pull shared by several needs counts once). */
  readonly pulls: number;
  readonly pullsFailed: number;
  /** Over every connection of this node (object-transfer.ts). */
  readonly transfer: TransferStats;
}
