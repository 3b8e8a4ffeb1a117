// A driver for a cluster of node processes (README, "A cluster of node processes"):
//   TSRAY_ADDRESS=ws://127.0.0.1:6380 node examples/two-nodes/driver.mjs
// ray.init() with no address joins the cluster TSRAY_ADDRESS names (token: TSRAY_TOKEN); unset, it
// starts a local cluster as usual (where no node has Custom, so the second task would wait).
import * as ray from "tsray";
import { where } from "./tasks.mjs";

await ray.init();
for (const n of ray.nodes()) {
  console.log(`node ${n.nodeId.slice(0, 8)} ${n.alive ? "alive" : "dead "} ${n.address} ${JSON.stringify(n.resources)}`);
}
const here = await ray.get(where.remote("a task with default resources"));
console.log(`it ran on node ${here.slice(0, 8)} (a node process: a driver that joins adds no resources of its own)`);
const there = await ray.get(where.options({ resources: { Custom: 1 } }).remote("a task that needs Custom"));
console.log(`it ran on node ${there.slice(0, 8)}, the only one with Custom`);
await ray.shutdown();
