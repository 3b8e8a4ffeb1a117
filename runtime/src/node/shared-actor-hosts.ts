/**
 * The threads that host `hosting: "shared"` actors, and which actors each
 * holds. A dedicated actor costs a thread (≈ 10 MB and a boot of its own);
 * shared actors cost a map entry on a thread that hosts up to `perThread` of
 * them.
 *
 * Placement: while there are fewer hosts than `spread` (the node's cores),
 * a new actor opens a new host, so a handful of shared actors still run in
 * parallel; after that it joins the least filled host with room, and a new
 * host opens only when all are full. A host left with no actor is
 * terminated.
 *
 * Invariant: every hosted actor id is in exactly one host's set, and a host
 * is in `hosts` until it is emptied (terminated) or exits.
 */
import type { ActorWorker, NodeClient } from "./node-client.js";

export class SharedActorHosts {
  private readonly hosts = new Map<ActorWorker, Set<string>>();

  constructor(
    private readonly spawn: () => ActorWorker,
    private readonly perThread: number,
    private readonly spread: number,
  ) {}

  /** A live host thread with room for `actorId`, which now counts as on it. */
  join(actorId: string): ActorWorker {
    let best: ActorWorker | undefined;
    let fill = this.perThread;
    if (this.hosts.size >= this.spread) {
      for (const [client, actors] of this.hosts) {
        if (actors.size < fill && !client.exited) {
          best = client;
          fill = actors.size;
        }
      }
    }
    if (best === undefined) {
      best = this.spawn();
      this.hosts.set(best, new Set());
    }
    this.hosts.get(best)!.add(actorId);
    return best;
  }

  /** `actorId` no longer lives on `client`; a host left empty is terminated. */
  leave(client: ActorWorker, actorId: string): void {
    const actors = this.hosts.get(client);
    if (actors === undefined || !actors.delete(actorId) || actors.size > 0) return;
    this.hosts.delete(client);
    void client.terminate();
  }

  /** Whether `client` is (or was, until it exited) a shared host. */
  isHost(client: ActorWorker): boolean {
    return this.hosts.has(client);
  }

  /** The host exited: the actors it held (it is forgotten). */
  exited(client: ActorWorker): readonly string[] {
    const actors = this.hosts.get(client);
    this.hosts.delete(client);
    return actors === undefined ? [] : [...actors];
  }

  /** The actors on `client` now. */
  actorsOn(client: ActorWorker): ReadonlySet<string> {
    return this.hosts.get(client) ?? new Set();
  }

  terminateAll(): Promise<number[]> {
    const all = [...this.hosts.keys()].map((c) => c.terminate());
    return Promise.all(all);
  }
}

/**
 * The shared hosts of every node an owner's actors live on: each node's own
 * `SharedActorHosts`, its threads started by that node (`startSharedActorHost`).
 */
export class SharedActorHostsByNode {
  private readonly byNode = new Map<NodeClient, SharedActorHosts>();

  constructor(private readonly perThread: number) {}

  /** A live host thread on `node` with room for `actorId`, which now counts as on it. */
  join(node: NodeClient, actorId: string): ActorWorker {
    let hosts = this.byNode.get(node);
    if (hosts === undefined) {
      hosts = new SharedActorHosts(() => node.startSharedActorHost(), this.perThread, node.sharedSpread);
      this.byNode.set(node, hosts);
    }
    return hosts.join(actorId);
  }

  /** `actorId` no longer lives on host `client`; a host left empty is terminated. */
  leave(client: ActorWorker, actorId: string): void {
    this.of(client)?.leave(client, actorId);
  }

  /** The host exited: the actors it held (it is forgotten). */
  exited(client: ActorWorker): readonly string[] {
    return this.of(client)?.exited(client) ?? [];
  }

  /** The actors on host `client` now. */
  actorsOn(client: ActorWorker): ReadonlySet<string> {
    return this.of(client)?.actorsOn(client) ?? new Set();
  }

  async terminateAll(): Promise<void> {
    await Promise.all([...this.byNode.values()].map((hosts) => hosts.terminateAll()));
  }

  private of(client: ActorWorker): SharedActorHosts | undefined {
    for (const hosts of this.byNode.values()) if (hosts.isHost(client)) return hosts;
    return undefined;
  }
}
