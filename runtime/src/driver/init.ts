/**
 * `ray.init()`: starts the embedded local runtime in the driver — one node,
 * one owner and the cluster state wired together (`driver-runtime.ts`) — and
 * installs it as this thread's core. It lives in the driver layer because it
 * is the composition root; the modules it needs are imported dynamically, so
 * that `import "tsray"` in a worker thread (which never calls `init`) stays
 * small. Inside a worker it does nothing.
 */
import { installCore, peekCore } from "../api/core.js";
import { inWorker } from "../api/stubs.js";
import { InvalidArgumentError } from "../common/errors.js";
import { randomHex } from "../common/ids.js";
import type { CustomResources } from "../common/options.js";
import { checkInteger, checkOptionKeys, describe } from "../scheduler/options-validation.js";

export interface InitOptions {
  /** CPUs of the local node, and worker threads in its pool. Default: `os.availableParallelism()`. */
  readonly numCpus?: number;
  /** GPUs of the node (whole devices). Default: detected with `nvidia-smi -L`, else 0. */
  readonly numGpus?: number;
  /** Bytes of memory tasks and actors may reserve with `memory`. Default: 70% of `os.totalmem()`. */
  readonly memory?: number;
  /** Custom resources of the node, e.g. `{ Custom: 2 }`. */
  readonly resources?: CustomResources;
  /**
   * Where tasks and actors granted GPUs run: `"thread"` (default; a pool thread,
   * which cannot isolate devices: `ray.getGpuIds()` tells the code which to use)
   * or `"process"` (a child process whose `CUDA_VISIBLE_DEVICES` is exactly its GPU ids).
   */
  readonly gpuWorkers?: "thread" | "process";
  /**
   * The JavaScript heap of each worker (thread or child process), in MB, at least 16:
   * a task or actor that outgrows it ends its worker with `OutOfMemoryError` (not
   * retried by default) instead of growing the driver's process. Default: V8's limit.
   * Memory outside the heap (Buffers) is not counted: use `isolation: "process"` for that.
   */
  readonly workerHeapMb?: number;
  /** Namespace for named actors. Default: a fresh anonymous namespace, as in Ray. */
  readonly namespace?: string;
  /**
   * Join a running cluster (`tsray start --head`): `ws://HOST:PORT` (or `wss://`), or `"auto"`:
   * `TSRAY_ADDRESS`, else the head started on this machine. Absent: `TSRAY_ADDRESS` when it is set
   * (as Ray's `RAY_ADDRESS`), else an embedded local cluster. The cluster state (node table, named
   * actors, placement-group records) is then the head's. As in Ray, a driver that joins adds no
   * resources of its own (`numCpus` and `numGpus` default to 0 then): its tasks and actors run on the
   * node processes (`tsray start` puts this machine's cores in the cluster). Given `numCpus > 0`, the
   * driver's own node joins the node table and runs work too; actors placed there are reachable only
   * from this process and end with it.
   */
  readonly address?: string;
  /** The cluster's token, for `address`. Default: `TSRAY_TOKEN`. */
  readonly token?: string;
  /** Do not fail when the runtime is already running. */
  readonly ignoreReinitError?: boolean;
}

type InitModules = [typeof import("../node/node-detect.js"), typeof import("../scheduler/node-totals.js"), typeof import("../node/prestart.js")];
let initModules: Promise<InitModules> | undefined;

/** The modules `init()` needs before it can start the pool's threads (driver only; imported once). */
function importInitModules(): Promise<InitModules> {
  return (initModules ??= Promise.all([import("../node/node-detect.js"), import("../scheduler/node-totals.js"), import("../node/prestart.js")]));
}

// Imported as soon as the driver imports tsray, so that `init()` finds them loaded and creates
// the first thread at once; threads never call `init()`, so never load them. A failure surfaces
// in `init()`: the catch only keeps a program that never calls it from an unhandled rejection.
if (!inWorker) importInitModules().catch(() => {});

const initKeys = new Set(["numCpus", "numGpus", "memory", "resources", "gpuWorkers", "namespace", "address", "token", "ignoreReinitError", "workerHeapMb"]);
/** Below this V8 cannot even load a worker's runtime. */
const MIN_WORKER_HEAP_MB = 16;

/** Starts the embedded local runtime (a pool of worker threads). Inside a worker it does nothing. */
export async function init(options?: InitOptions): Promise<void> {
  if (inWorker) return;
  const given = checkOptionKeys(options, [...initKeys], "ray.init()") as InitOptions;
  // No address: TSRAY_ADDRESS joins that cluster, as RAY_ADDRESS does for Ray's `ray.init()`.
  const fromEnv = given.address === undefined ? process.env["TSRAY_ADDRESS"] || undefined : undefined;
  const withAddress: InitOptions = fromEnv === undefined ? given : { ...given, address: fromEnv };
  // Joining a cluster: no resources of the driver's own unless asked for (Ray's drivers add none).
  const o: InitOptions = withAddress.address === undefined ? withAddress : { numCpus: 0, numGpus: 0, ...withAddress };
  if (o.address !== undefined && (typeof o.address !== "string" || (o.address !== "auto" && !/^wss?:\/\/[^/]+/.test(o.address)))) {
    const source = fromEnv === undefined ? "address" : "TSRAY_ADDRESS (used when no address is given)";
    throw new InvalidArgumentError(`ray.init(): ${source} must be "ws://HOST:PORT", "wss://HOST:PORT" or "auto", got ${describe(o.address)}.`);
  }
  if (o.token !== undefined && typeof o.token !== "string") throw new InvalidArgumentError(`ray.init(): token must be a string, got ${describe(o.token)}.`);
  if (o.gpuWorkers !== undefined && o.gpuWorkers !== "thread" && o.gpuWorkers !== "process") {
    throw new InvalidArgumentError(`ray.init(): gpuWorkers must be "thread" or "process", got ${describe(o.gpuWorkers)}.`);
  }
  if (o.workerHeapMb !== undefined) checkInteger(o.workerHeapMb, "workerHeapMb", "ray.init()", MIN_WORKER_HEAP_MB);
  if (o.namespace !== undefined && (typeof o.namespace !== "string" || o.namespace === "")) {
    throw new InvalidArgumentError(`ray.init(): namespace must be a non-empty string, got ${describe(o.namespace)}.`);
  }
  // Driver-only modules, imported dynamically so that `import "tsray"` stays small in worker threads.
  // The pool's threads start first (small modules), so their boot overlaps loading the driver's runtime.
  const [{ detectGpuIds, detectResources }, { nodeTotals }, { newDriverIdentity, prestartThreads }] = await importInitModules();
  // Validates every option; GPUs (nvidia-smi) come later, detected while the runtime loads.
  const withoutGpus = nodeTotals(o, detectResources(), "ray.init()");
  if (peekCore() !== undefined) {
    if (o.ignoreReinitError === true) return;
    throw new InvalidArgumentError(
      "ray.init() was called twice; call ray.shutdown() first, or pass ignoreReinitError: true.",
    );
  }
  // Joining first: a wrong token or address fails before any thread starts.
  const cluster = o.address === undefined ? undefined : await joinCluster(o.address, o.token);
  const namespace = o.namespace ?? `anonymous-${randomHex(4)}`;
  const identity = newDriverIdentity();
  const threads = Math.max(1, Math.ceil(Number(withoutGpus.totals.toJSON()["CPU"] ?? 0)));
  const prestarted = prestartThreads(identity, namespace, threads, { heapMb: o.workerHeapMb });
  // Loaded here, not at the top: worker threads import this module but never the driver's runtime.
  let DriverRuntime: typeof import("../driver/driver-runtime.js").DriverRuntime;
  let gpuIds: readonly number[];
  try {
    [{ DriverRuntime }, gpuIds] = await Promise.all([
      import("../driver/driver-runtime.js"),
      o.numGpus === undefined ? detectGpuIds(process.env) : Promise.resolve([]),
    ]);
    if (peekCore() !== undefined) throw new InvalidArgumentError("ray.init() was called twice at once.");
  } catch (e) {
    cluster?.close(e instanceof Error ? e : new Error(String(e)));
    await Promise.all(prestarted.map((t) => t.client.terminate()));
    throw e;
  }
  const node = gpuIds.length === 0 ? withoutGpus : nodeTotals(o, detectResources(gpuIds), "ray.init()");
  // A joined driver runs tasks on the cluster's node processes too (node protocol, with the same token).
  const token = o.token ?? (process.env["TSRAY_TOKEN"] || undefined);
  const joined = cluster === undefined ? {} : { cluster, registerNode: o.numCpus !== 0, network: { join: { token } } };
  installCore(new DriverRuntime({ node, gpuWorkers: o.gpuWorkers ?? "thread", namespace, identity, prestarted, workerHeapMb: o.workerHeapMb, ...joined }));
}

/**
 * Connects to the head at `address` as a driver; rejects with `AuthenticationError`,
 * `ProtocolVersionError` or a `ConnectionClosedError` naming the address. (The driver runtime
 * adds its node's resource report to the client's heartbeats.)
 */
async function joinCluster(address: string, token: string | undefined): Promise<import("../cluster/remote-cluster-state-client.js").RemoteClusterStateClient> {
  const [{ connectClusterState }, { resolveClusterAddress }] = await Promise.all([
    import("../cluster/connect-cluster-state.js"),
    import("../cluster/local-node-records.js"),
  ]);
  const url = resolveClusterAddress(address);
  if (url === undefined) {
    throw new InvalidArgumentError('ray.init({ address: "auto" }) found no cluster: set TSRAY_ADDRESS, give the head\'s ws://HOST:PORT, or start one with `tsray start --head`.');
  }
  return connectClusterState(url, {
    kind: "driver",
    token: token ?? (process.env["TSRAY_TOKEN"] || undefined),
    onLost: (e) => process.stderr.write(`tsray: warning: the connection to the cluster at ${url} was lost: ${e.message}\n`),
  });
}
