// Objects an owner drops are freed on the node processes too (issue 11's left-over leak): a large
// result stays on the node that made it, and copies are pulled by the nodes that read it; once the
// driver's last ref to it is collected, every node frees what it held, as `tsray status` shows.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { makeArray, sumWhere } from "./remote-fns/remote-tasks.js";
import { gc } from "../runtime/remote-fns/handle-holders.js";

const TOKEN = "remote-free-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("objects freed on node processes");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "1", "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "remote-free" });
  await until(() => ray.availableResources()["CPU"] === 2, "both nodes' first reports", 20_000, 50);
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

interface StatusNode {
  readonly nodeId: string;
  readonly objects?: number;
  readonly objectBytes?: number;
}

/** The objects node `node` held at its last report, as `tsray status --json` shows them. */
async function objectsOn(node: NodeRecord): Promise<number | undefined> {
  const out = await cluster.run(["status", "--json", "--address", head.url, "--token", TOKEN]);
  const status = JSON.parse(out.stdout) as { nodes: StatusNode[] };
  return status.nodes.find((n) => n.nodeId === node.nodeId)?.objects;
}

const on = (node: NodeRecord) => ({ schedulingStrategy: { nodeId: node.nodeId!, soft: false } });

t("a large result kept on the worker node, and its copy pulled by the head, are freed once the driver drops it", async () => {
  const before = { worker: await objectsOn(worker), head: await objectsOn(head) };
  let big: ray.ObjectRef<Float64Array> | undefined = makeArray.options(on(worker)).remote(256 * 1024, 3); // 2 MiB, kept on the worker node
  const read = await ray.get(sumWhere.options(on(head)).remote(big)); // the head pulls a copy
  assert.is(read.length, 256 * 1024);
  await until(async () => (await objectsOn(worker)) === (before.worker ?? 0) + 1 && (await objectsOn(head)) === (before.head ?? 0) + 1, "each node reports the object held", 20_000, 200);
  // The driver's last ref goes: its collection frees the object, and the nodes theirs.
  big = undefined;
  let freed = false;
  for (let i = 0; i < 100 && !freed; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
    freed = (await objectsOn(worker)) === (before.worker ?? 0) && (await objectsOn(head)) === (before.head ?? 0);
  }
  assert.ok(freed, `both nodes report the object gone (worker ${await objectsOn(worker)}, head ${await objectsOn(head)})`);
});

t.run();
