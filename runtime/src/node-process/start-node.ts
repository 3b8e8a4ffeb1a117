/**
 * A node of a cluster, in this process (what `tsray start` runs, in the foreground with `--block`
 * or in a detached child otherwise).
 *
 * - The head serves the cluster state (cluster/serve-cluster-state.ts) on `host:port`, and is
 *   also a node with a worker pool and scheduler of its own (a `DriverRuntime` wired to the state
 *   in process), unless `numCpus` is 0.
 * - A worker node joins the head at `address` (handshake with the token), registers its node
 *   through a remote cluster-state client (heartbeats carry its available resources), and listens
 *   on `host:port` (default: a free port) for owners' connections: the node protocol
 *   (node/node-service.ts) and the object transfer. It stops when the head is lost.
 *
 * Either binds only loopback without a token (WsServer refuses otherwise).
 */
import { ClusterState } from "../cluster/cluster-state.js";
import { InProcessClusterStateClient } from "../cluster/in-process-cluster-state-client.js";
import { serveClusterState, type ClusterService } from "../cluster/serve-cluster-state.js";
import { connectClusterState } from "../cluster/connect-cluster-state.js";
import type { RemoteClusterStateClient } from "../cluster/remote-cluster-state-client.js";
import type { NodeLoad } from "../cluster/cluster-messages.js";
import { DriverRuntime } from "../driver/driver-runtime.js";
import { detectResources } from "../node/node-detect.js";
import { nodeTotals } from "../scheduler/node-totals.js";
import { WsServer } from "../transport/ws-server.js";
import { checkToNodeEndpoint } from "../node/node-message-checks.js";
import type { NodeService } from "../node/node-service.js";
import type { NodeViews } from "../driver/remote-nodes.js";
import type { StartOptions } from "./start-options.js";

export interface RunningNode {
  readonly nodeId: string | undefined;
  /** Where this node listens: the cluster's address for the head. */
  readonly url: string;
  /** The head's address (the same as `url` on the head). */
  readonly clusterAddress: string;
  readonly head: boolean;
  /** Settles when the node stopped by itself (a worker node whose head is gone), with why. */
  readonly lost: Promise<Error>;
  stop(): Promise<void>;
}

export async function startNode(o: StartOptions): Promise<RunningNode> {
  return o.head ? startHead(o) : startWorkerNode(o);
}

function localRuntime(o: StartOptions, cluster: DriverRuntimeCluster, nodeAddress: string, views?: NodeViews): DriverRuntime | undefined {
  if (o.numCpus === 0) return undefined;
  const node = nodeTotals(
    {
      ...(o.numCpus !== undefined ? { numCpus: o.numCpus } : {}),
      numGpus: o.numGpus ?? 0,
      ...(o.memory !== undefined ? { memory: o.memory } : {}),
      ...(o.resources !== undefined ? { resources: o.resources } : {}),
    },
    detectResources(),
    "tsray start",
  );
  // `join`: a node sees the other nodes as a joined driver does (the head through `views`), so
  // the tasks its tasks submit spill to them; the token is for the connections it opens (nodes, owners).
  const network = { serve: true, join: { token: o.token, views } };
  return new DriverRuntime({ node, gpuWorkers: "thread", namespace: "tsray-node", cluster, nodeAddress, network });
}

type DriverRuntimeCluster = NonNullable<ConstructorParameters<typeof DriverRuntime>[0]["cluster"]>;

/** The head's own node's client: the cluster state in process, and its resource reports asked for by the service. */
class HeadNodeClient extends InProcessClusterStateClient {
  private readonly reports = new Map<string, () => Omit<NodeLoad, "nodeId">>();

  reportLoad(nodeId: string, report: () => Omit<NodeLoad, "nodeId">): void {
    this.reports.set(nodeId, report);
  }

  loads(): NodeLoad[] {
    return [...this.reports].map(([nodeId, report]) => ({ nodeId, ...report() }));
  }
}

async function startHead(o: StartOptions): Promise<RunningNode> {
  const state = new ClusterState();
  const local = new HeadNodeClient(state);
  let serving: NodeService | undefined;
  const service: ClusterService = await serveClusterState(state, {
    host: o.host,
    port: o.port,
    token: o.token,
    maxFrameBytes: o.maxFrameBytes,
    tls: o.tls,
    heartbeatMs: o.heartbeatMs,
    deadAfterMs: o.deadAfterMs,
    localLoad: () => local.loads(),
    // Owners lease the head node's workers on the cluster's own address (node/node-service.ts).
    owners: {
      check: checkToNodeEndpoint,
      accept: (connection, peer) => (serving !== undefined ? serving.accept(connection, peer) : connection.close(1008, "this head runs no node yet")),
    },
  });
  // The head's runtime reads the other nodes from the state and the service's resource view.
  const views: NodeViews = {
    cache: { allNodes: () => state.allNodes(), nodeAvailable: (nodeId) => service.server.nodeAvailable(nodeId) },
    set onViewChange(f: (() => void) | undefined) {
      service.server.onViewChange = f;
    },
    get onViewChange() {
      return service.server.onViewChange;
    },
  };
  const runtime = localRuntime(o, local, service.url, views);
  serving = runtime?.nodeService;
  return {
    nodeId: runtime?.nodeId,
    url: service.url,
    clusterAddress: service.url,
    head: true,
    lost: new Promise<Error>(() => {}),
    stop: async () => {
      await runtime?.shutdown();
      await service.close();
    },
  };
}

async function startWorkerNode(o: StartOptions): Promise<RunningNode> {
  // The node protocol's endpoint: owners (drivers) lease this node's workers and pull its objects.
  let serving: NodeService | undefined;
  const endpoint = await WsServer.listen<unknown, unknown>(
    { host: o.host, port: o.port, token: o.token, maxFrameBytes: o.maxFrameBytes, tls: o.tls, check: checkToNodeEndpoint },
    (connection, peer) => {
      if (serving === undefined || peer.kind !== "owner") return connection.close(1008, "this node serves only owners, once it runs");
      serving.accept(connection, `${peer.kind} peer ${peer.remoteAddress}`);
    },
  );
  let runtime: DriverRuntime | undefined;
  let lose!: (e: Error) => void;
  const lost = new Promise<Error>((resolve) => (lose = resolve));
  let client: RemoteClusterStateClient;
  try {
    client = await connectClusterState(o.address!, {
      kind: "node",
      token: o.token,
      ca: o.ca,
      heartbeatMs: o.heartbeatMs,
      onLost: (e) => lose(e),
    });
  } catch (e) {
    await endpoint.close();
    throw e;
  }
  runtime = localRuntime(o, client, endpoint.url);
  serving = runtime?.nodeService;
  return {
    nodeId: runtime?.nodeId,
    url: endpoint.url,
    clusterAddress: o.address!,
    head: false,
    lost,
    stop: async () => {
      if (runtime !== undefined) await runtime.shutdown();
      else client.close(new Error("the node stopped"));
      await endpoint.close();
    },
  };
}
