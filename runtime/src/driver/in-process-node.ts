/**
 * A further node inside the driver's process (the in-process multi-node
 * cluster, issue 10): its own scheduler, worker pool and node client, a row
 * in the cluster state's node table, its grants served to the driver's task
 * manager. Its threads report to the driver like the driver node's own, but
 * for their large results, which stay in the node's own object store (the
 * owner is told where they are: driver/cluster-objects.ts).
 */
import type { NodeRecord } from "../cluster/cluster-state.js";
import type { ActorLeaseOwner, LeaseOwner } from "../node/node-client.js";
import { LocalNodeClient, type ActorWorkerStarter } from "../node/local-node-client.js";
import type { DriverIdentity } from "../node/prestart.js";
import type { WorkerClient } from "../node/worker-client.js";
import { WorkerPool, type PoolWorker } from "../node/worker-pool.js";
import { generatorItemId, randomHex } from "../common/ids.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "../protocol/thread-messages.js";
import { LocalScheduler } from "../scheduler/local-scheduler.js";
import type { NodeTotals } from "../scheduler/node-totals.js";
import type { Held } from "../object-store/object-location.js";
import type { LocalObjectStore } from "../object-store/local-object-store.js";
import type { ClusterObjects } from "./cluster-objects.js";

export interface InProcessNode {
  readonly identity: DriverIdentity;
  readonly scheduler: LocalScheduler<unknown>;
  readonly client: LocalNodeClient;
  readonly pool: WorkerPool;
  readonly objects: LocalObjectStore;
}

/** What a peer node needs of the driver that hosts it. */
export interface PeerNodeEvents {
  readonly threadData: (identity: DriverIdentity) => TsrayWorkerData;
  /** What a thread of this node sends (`node`: this node's id). */
  readonly onMessage: (worker: PoolWorker, message: FromWorker, node: string) => void;
  readonly onThreadGone: (client: WorkerClient) => void;
  readonly closed: () => boolean;
  readonly onPost: (client: WorkerClient, message: ToWorker) => ToWorker;
  readonly owner: LeaseOwner;
  readonly actorOwner: ActorLeaseOwner;
  /** How the node starts actor workers (threads of the driver's process, with the node's identity). */
  readonly actorWorkers: (identity: DriverIdentity) => ActorWorkerStarter;
  /** The node gave resources back (placement groups waiting for room may fit now). */
  readonly onResourcesFreed: () => void;
  readonly register: (node: NodeRecord) => void;
  /** A pool task's results (`done`), large ones replaced by where this node keeps them. */
  readonly onDone: (worker: PoolWorker, taskId: string, results: readonly Held[]) => void;
  /** A streaming generator's value (`genItem`), a large one replaced by where this node keeps it. */
  readonly onItem: (worker: PoolWorker, taskId: string, index: number, value: Held) => void;
  readonly objects: ClusterObjects;
}

export function startInProcessNode(
  driver: DriverIdentity,
  totals: NodeTotals,
  processes: boolean,
  limits: { heapMb: number | undefined },
  events: PeerNodeEvents,
): InProcessNode {
  const identity: DriverIdentity = { ...driver, nodeId: randomHex(8) };
  const scheduler: LocalScheduler<unknown> = new LocalScheduler<unknown>({
    nodeId: identity.nodeId,
    totals: totals.totals,
    ...(totals.gpuIds !== undefined ? { gpuIds: totals.gpuIds } : {}),
    events: {
      onDispatch: (request, grant) => client.granted(request, grant),
      onSpillback: (request, nodeId) => client.spilledBack(request, nodeId),
      onUnschedulable: (request, reason) => client.unschedulable(request, reason),
      onResourcesFreed: events.onResourcesFreed,
    },
  });
  const objects = events.objects.addNode(identity.nodeId);
  const cpus = Number(totals.totals.toJSON()["CPU"] ?? 0);
  const pool: WorkerPool = new WorkerPool(
    Math.max(1, Math.ceil(cpus)),
    () => events.threadData(identity),
    {
      onMessage: (w, m) => {
        if (m.t === "done") return events.onDone(w, m.taskId, events.objects.keepLarge(objects, m.taskId, m.results));
        // A large yielded value stays here too; its owner's generator stream records where it is.
        if (m.t === "genItem") return events.onItem(w, m.taskId, m.index, events.objects.keepLargeOne(objects, generatorItemId(m.taskId, m.index), m.bytes));
        events.onMessage(w, m, identity.nodeId);
      },
      onExit: (w, code, error) => {
        events.onThreadGone(w.client);
        if (!events.closed()) client.workerExited(w, code, error);
      },
      onPost: events.onPost,
    },
    undefined,
    limits,
  );
  const client: LocalNodeClient = new LocalNodeClient({
    scheduler,
    pool: () => pool,
    gpuProcesses: processes,
    actorWorkers: events.actorWorkers(identity),
    objects,
  });
  client.attach(events.owner);
  client.attachActors(events.actorOwner);
  events.register({
    nodeId: identity.nodeId,
    address: `in-process://${identity.nodeId}`,
    resources: totals.totals.toJSON(),
    alive: true,
  });
  return { identity, scheduler, client, pool, objects };
}
