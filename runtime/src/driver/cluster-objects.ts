/**
 * The objects of an in-process cluster (`DriverOptions.inProcessNodes`): one
 * object store per node (object-store/local-object-store.ts), every two
 * joined by an in-memory connection carrying the object-transfer protocol,
 * exactly as two machines will be joined by a WebSocket. The owner's memory
 * store reaches objects held on other nodes through this (`HeldElsewhere`):
 * a driver `get` pulls them into the driver's node, large objects the owner
 * holds go to tasks by reference (the task's node pulls them from the
 * driver's node), and dropping one frees the copy on every node.
 *
 * Made only when the cluster has more than one node: a single node keeps all
 * its objects in the owner's memory store and never meets a location.
 */
import { returnId } from "../common/ids.js";
import type { HeldElsewhere, MemoryStore } from "../object-store/memory-store.js";
import { LocalObjectStore } from "../object-store/local-object-store.js";
import { inlineThreshold, sourcesOf, type Held, type ObjectLocation } from "../object-store/object-location.js";
import type { TransferConnection, TransferLimits } from "../object-store/object-transfer.js";
import type { ObjectTransferMessage } from "../protocol/object-transfer.js";
import { connectInMemory } from "../transport/in-memory-connection.js";

/** The nodes in other processes, as the owner's drops reach them (driver/remote-nodes.ts). */
export interface OtherProcesses {
  /** Whether this runtime owns object `id` (only the owner frees an object everywhere). */
  owns(id: string): boolean;
  free(ids: readonly string[]): void;
}

export class ClusterObjects implements HeldElsewhere {
  /** Each node's store, by node id; the driver's node first. */
  readonly stores = new Map<string, LocalObjectStore>();
  private driverNode: LocalObjectStore | undefined;
  /** The owner's store: told of every copy a node pulls (its object directory). */
  private owner: MemoryStore | undefined;

  get ownerNode(): string {
    return this.driverNode!.nodeId;
  }

  /** Ids of owned objects dropped this turn, told to the nodes in other processes together. */
  private dropping: string[] | undefined;

  constructor(
    private readonly limits?: TransferLimits,
    /** Nodes in other processes (a ws cluster): they free their copies of the owner's objects it drops. */
    private readonly elsewhere?: OtherProcesses,
  ) {}

  /**
   * The driver's node, added first: the objects made there stay in the
   * owner's memory store (`owner`), never copied into the node's; peers pull
   * them from there.
   */
  addDriverNode(nodeId: string, owner: MemoryStore, reach?: (nodeId: string) => void): LocalObjectStore {
    this.owner = owner;
    const alsoHolds = (id: string): Uint8Array | undefined => {
      const settled = owner.peek(id);
      return settled instanceof Uint8Array ? settled : undefined;
    };
    return this.addNode(nodeId, alsoHolds, reach);
  }

  /** A node joins: its store, connected to every store already here; `reach`: how it connects to a node in another process it must pull from. */
  addNode(nodeId: string, alsoHolds?: (id: string) => Uint8Array | undefined, reach?: (nodeId: string) => void): LocalObjectStore {
    const store = new LocalObjectStore(nodeId, {
      onCopy: (id) => this.owner?.addCopy(id, nodeId),
      ...(alsoHolds !== undefined ? { alsoHolds } : {}),
      ...(reach !== undefined ? { reach } : {}),
      ...(this.limits !== undefined ? { limits: this.limits } : {}),
    });
    for (const [otherId, other] of this.stores) {
      const [here, there] = connectInMemory<ObjectTransferMessage, ObjectTransferMessage>(`node ${nodeId}`, `node ${otherId}`);
      store.connect(otherId, here);
      other.connect(nodeId, there);
    }
    this.stores.set(nodeId, store);
    this.driverNode ??= store;
    return store;
  }

  /**
   * A task on node `store` finished: each result at least `inlineThreshold`
   * bytes stays in that node's store and its owner is told only where it is.
   */
  keepLarge(store: LocalObjectStore, taskId: string, results: readonly Uint8Array[]): readonly Held[] {
    let out: Held[] | undefined;
    const n = results.length;
    for (let i = 0; i < n; i++) {
      const bytes = results[i]!;
      if (bytes.byteLength < inlineThreshold) continue;
      (out ??= results.slice())[i] = this.keepOne(store, returnId(taskId, n, i), bytes);
    }
    return out ?? results;
  }

  /** One object made on node `store` (a generator's yielded value): kept there when large, as `keepLarge`. */
  keepLargeOne(store: LocalObjectStore, objectId: string, bytes: Uint8Array): Held {
    return bytes.byteLength < inlineThreshold ? bytes : this.keepOne(store, objectId, bytes);
  }

  private keepOne(store: LocalObjectStore, objectId: string, bytes: Uint8Array): Held {
    store.put(objectId, bytes);
    return { objectId, heldOn: store.nodeId, size: bytes.byteLength };
  }

  /**
   * A node in another process (issue 11): the driver node's store pulls from it, and it from the
   * driver node, over `connection` (a ws connection of its own, see driver/remote-nodes.ts).
   */
  connectRemote(nodeId: string, connection: TransferConnection): void {
    this.driverNode!.connect(nodeId, connection);
  }

  fetch(id: string, location: ObjectLocation, to: string | undefined): Promise<Uint8Array> {
    const store = (to === undefined ? undefined : this.stores.get(to)) ?? this.driverNode!;
    return store.pull(id, sourcesOf(location), location.size);
  }

  /**
   * The object was dropped here (its last ref, or `ray.free`): every node of this process frees its
   * copy, and, for an object this runtime owns, so do the nodes in other processes (batched per
   * turn): a large result kept on the node that made it, copies pulled by others.
   */
  dropped(id: string): void {
    for (const store of this.stores.values()) store.free(id);
    const elsewhere = this.elsewhere;
    if (elsewhere === undefined || !elsewhere.owns(id)) return;
    if (this.dropping === undefined) {
      this.dropping = [];
      setImmediate(() => {
        const ids = this.dropping!;
        this.dropping = undefined;
        elsewhere.free(ids);
      });
    }
    this.dropping.push(id);
  }

  /** The cluster shuts down: every connection closes (pulls in progress fail with `ObjectLostError`). */
  close(): void {
    for (const store of this.stores.values()) store.close("the cluster shut down");
  }
}
