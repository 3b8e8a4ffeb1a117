/**
 * What a driver runtime is built from (`new DriverRuntime(options)`): made by `ray.init()`
 * (init.ts) from the user's options, or by a node process (node-process/start-node.ts). Kept
 * apart from driver-runtime.ts because it is the one contract between those callers and the
 * wiring: plain data, kept by the runtime and never changed.
 *
 * Invariants: `node` is validated already; `inProcessNodes` and `network` are the two ways to
 * have other nodes (either makes the runtime's object store part of a cluster of stores).
 */
import type { NodeTotals } from "../scheduler/node-totals.js";
import type { DriverIdentity, PrestartedThread } from "../node/prestart.js";
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import type { NodeViews } from "./remote-nodes.js";

export interface DriverOptions {
  /** The node's totals (validated) and GPU device ids. */
  readonly node: NodeTotals;
  /** Where tasks/actors granted GPUs run: pool threads, or child processes with `CUDA_VISIBLE_DEVICES` set. */
  readonly gpuWorkers: "thread" | "process";
  readonly namespace: string;
  /** Made by `init()` before this module loaded (else made here). */
  readonly identity?: DriverIdentity;
  /** Pool threads `init()` started already (numbered 1…n); the pool starts the rest. */
  readonly prestarted?: readonly PrestartedThread[];
  /** Heap limit of every worker, thread or process (`ray.init({ workerHeapMb })`); absent: V8's default. */
  readonly workerHeapMb?: number | undefined;
  /** Where this driver registers its node, actors and placement groups (closed by `shutdown`); absent: its own, in process. */
  readonly cluster?: ClusterStateClient;
  /**
   * More nodes in this process, each with its own scheduler, worker pool and node client, in
   * the node table of the cluster state: the in-process multi-node test cluster. The driver's
   * node spills tasks and actors back to them through its scheduler's view of their resources,
   * and placement groups are reserved across all of them (owner/cluster-placement-groups.ts).
   */
  readonly inProcessNodes?: readonly NodeTotals[];
  /** How other processes reach this node (default `in-process://<id>`); `registerNode: false`: not in the node table (a joined driver with numCpus 0). */
  readonly nodeAddress?: string | undefined;
  readonly registerNode?: boolean | undefined;
  /**
   * A ws cluster (issue 11). `join`: this driver joined with `ray.init({ address })` — it sees the
   * other nodes' resources in the cluster state's resource view and runs tasks on them through
   * the node protocol, connecting with `token`; `views`: where it reads them when its cluster
   * state is not a remote client (the head's runtime). `serve`: this runtime is a node process's —
   * owners in other processes lease its workers (`nodeService`). Either gives it an object store
   * joined to other nodes over ws.
   */
  readonly network?: { readonly join?: { readonly token: string | undefined; readonly views?: NodeViews | undefined }; readonly serve?: boolean } | undefined;
}
