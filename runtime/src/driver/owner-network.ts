/**
 * How a runtime of a ws cluster (a joined driver, or a node process's runtime) reaches the owners
 * of the refs it borrows, and lets borrowers reach it (owner/owner-links.ts, issue 11): links are
 * ws connections to a node's endpoint opened with `open { channel: "owner", job }`.
 *
 * The owner of an id is its job (common/ids.ts `ownerOf`); the node table maps a job to the node
 * whose runtime mints it (`NodeRecord.jobId`), so a borrower dials that node's address. A driver
 * has no endpoint (its row, if any, has no ws address): it connects to every node that runs a
 * runtime (`nodesChanged`, on each change of the node table) and opens a link when
 * driver/remote-nodes.ts connects to one (`linkTo`), over which that node asks it about its objects.
 * It also gives the runtime's node store its way to reach a node it must pull from (node-reach.ts).
 */
import type { NodeRecord } from "../cluster/cluster-state.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Connection } from "../protocol/connection.js";
import type { OpenChannel } from "../node/node-messages.js";
import { OwnerLinks, type ActorBorrowers, type OwnerConnection } from "../owner/owner-links.js";
import { ownerMessageProblem, type OwnerMessage } from "../protocol/owner-messages.js";
import { connectWs } from "../transport/ws-connection.js";
import { nodeReach, type NodeReachParts } from "./node-reach.js";

/** What node-reach.ts needs (the cluster, its token, the object stores, the nodes leased), and the runtime's own identity and store. */
export interface OwnerNetworkParts extends Omit<NodeReachParts, "ownNodeId"> {
  readonly jobId: string;
  readonly nodeId: string;
  readonly store: MemoryStore;
  /** This runtime serves a node endpoint (a node process's), which others dial; else (a driver) it dials every node. */
  readonly serves: boolean;
  /** Counts the borrows other processes make of this runtime's actors (owner/actor-holds.ts). */
  readonly actors: ActorBorrowers;
}

export class OwnerNetwork {
  readonly links: OwnerLinks;
  /** How the runtime's node store connects to a node it must pull from (node-reach.ts). */
  readonly reach: (nodeId: string) => void;

  constructor(private readonly parts: OwnerNetworkParts) {
    this.links = new OwnerLinks({
      jobId: parts.jobId,
      nodeId: parts.nodeId,
      store: parts.store,
      dial: (job) => {
        const record = parts.cluster.cache.allNodes().find((n) => n.alive && n.jobId === job && n.nodeId !== parts.nodeId && /^wss?:\/\//.test(n.address));
        return record === undefined ? undefined : this.dial(record.address);
      },
      log: (line) => process.stderr.write(`tsray: ${line}\n`),
      actors: parts.actors,
    });
    this.reach = nodeReach({ ...parts, ownNodeId: parts.nodeId });
  }

  /** An `owner` channel a peer opened to this node's endpoint (node/node-service.ts). */
  readonly accept = (connection: Connection<unknown, unknown>, job: string | undefined): void => {
    this.links.accept(connection as unknown as OwnerConnection, job);
  };

  /** A link to the node of `record` unless one to its runtime exists: so that it can ask this runtime (a driver with no endpoint) about its objects. */
  readonly linkTo = (record: NodeRecord): void => {
    if (record.jobId !== undefined && this.links.linkedTo(record.jobId)) return;
    this.links.accept(this.dial(record.address), record.jobId);
  };

  /**
   * The node table or resource view changed: a runtime with no endpoint of its own (a driver)
   * connects to every live node that runs a runtime as it does to lease there (which opens the
   * owner link, `linkTo`, and the object transfer), so any of them can ask it about a ref it
   * passed on and pull its value, however many hands the ref went through first.
   */
  nodesChanged(): void {
    const remote = this.parts.remote();
    if (this.parts.serves || remote === undefined) return;
    for (const record of this.parts.cluster.cache.allNodes()) if (record.alive && record.jobId !== undefined) remote.byId(record.nodeId);
  }

  private dial(address: string): OwnerConnection {
    const { token, ca } = this.parts;
    const connection = connectWs<OwnerMessage | OpenChannel, OwnerMessage>(address, { kind: "owner", token, ca, check: ownerMessageProblem });
    connection.send({ t: "open", channel: "owner", from: this.parts.nodeId, job: this.parts.jobId });
    // Held open only by the work in flight (driver/keep-alive.ts), as the node connections are.
    connection.holdProcess(false);
    return connection as unknown as OwnerConnection;
  }
}
