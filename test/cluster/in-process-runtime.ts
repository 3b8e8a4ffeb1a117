// The runtime's internals the in-process cluster tests build drivers from (a driver runtime of
// their own per node or per process, one cluster state), loaded from the built runtime.
import type * as CoreModule from "../../runtime/dist/api/core.js";
import type * as StateModule from "../../runtime/dist/cluster/cluster-state.js";
import type * as ClientModule from "../../runtime/dist/cluster/in-process-cluster-state-client.js";
import type * as DriverModule from "../../runtime/dist/driver/driver-runtime.js";
import type * as TotalsModule from "../../runtime/dist/scheduler/node-totals.js";
import type * as DetectModule from "../../runtime/dist/node/node-detect.js";

// Compiled to test/dist/cluster/: the runtime's dist is three levels up.
const dist = new URL("../../../runtime/dist/", import.meta.url);
export const load = <T>(path: string): Promise<T> => import(new URL(path, dist).href) as Promise<T>;
export const { installCore } = await load<typeof CoreModule>("api/core.js");
export const { ClusterState } = await load<typeof StateModule>("cluster/cluster-state.js");
export const { InProcessClusterStateClient } = await load<typeof ClientModule>("cluster/in-process-cluster-state-client.js");
export const { DriverRuntime } = await load<typeof DriverModule>("driver/driver-runtime.js");
export const { nodeTotals } = await load<typeof TotalsModule>("scheduler/node-totals.js");
export const { detectResources } = await load<typeof DetectModule>("node/node-detect.js");

/**
 * A driver with node A (`a`, the driver's own) and one more in-process node B (`b`), sharing one
 * cluster state, installed as the current core: what the multi-node suites start from.
 */
export function startTwoNodeCluster(namespace: string, a: Parameters<typeof nodeTotals>[0], b: Parameters<typeof nodeTotals>[0]) {
  const state = new ClusterState();
  const driver = new DriverRuntime({
    node: nodeTotals(a, detectResources(), "node A"),
    gpuWorkers: "thread",
    namespace,
    cluster: new InProcessClusterStateClient(state),
    inProcessNodes: [nodeTotals(b, detectResources(), "node B")],
  });
  const nodeA = driver.nodeId;
  const nodeB = state.allNodes().find((n) => n.nodeId !== nodeA)!.nodeId;
  installCore(driver);
  const shutdown = async (): Promise<void> => {
    installCore(undefined);
    await driver.shutdown();
  };
  return { state, driver, nodeA, nodeB, shutdown };
}

/**
 * A driver whose node has one CPU and 8 units of resource `resources[0]`, and one further
 * in-process node per further name, each alike with its own resource: tasks are placed on a node
 * by asking for 1 unit of its resource. Installed as the thread's core.
 */
export function resourceCluster(namespace: string, resources: readonly string[]): InstanceType<typeof DriverRuntime> {
  const totals = (resource: string) => nodeTotals({ numCpus: 1, resources: { [resource]: 8 } }, detectResources(), `node with ${resource}`);
  const driver = new DriverRuntime({
    node: totals(resources[0]!),
    gpuWorkers: "thread",
    namespace,
    cluster: new InProcessClusterStateClient(new ClusterState()),
    inProcessNodes: resources.slice(1).map(totals),
  });
  installCore(driver);
  return driver;
}
