/**
 * A cluster of real node processes for the cross-node cases (issue 11): a head that only serves the
 * cluster state (`--num-cpus 0`, so it runs no workers to compete with the measured node) and
 * worker nodes started the way `tsray start` starts them (`spawnNode`: detached processes, logs in
 * a state directory of the bench's own), on 127.0.0.1 with free ports. The case-runner process is
 * the driver: it joins with `numCpus: 0`, so it runs no task itself and every task it submits goes
 * to a node process over ws. `stop()` ends every node this cluster started.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { spawnNode, startOptions, stopNodes, type LocalNodeRecord, type StartFlags } from "tsray/node-process";
import { RawWsClient, RawWsPeerProcess } from "../baselines/raw-ws-peer.js";

export class BenchCluster {
  private constructor(
    readonly head: LocalNodeRecord,
    private readonly env: NodeJS.ProcessEnv,
    private readonly stateDir: string,
  ) {}

  /** Starts the head (cluster state only), recorded in a state directory of this cluster's own. */
  static async start(): Promise<BenchCluster> {
    const stateDir = mkdtempSync(join(tmpdir(), "tsray-bench-state-"));
    const env: NodeJS.ProcessEnv = { ...process.env, TSRAY_STATE_DIR: stateDir };
    delete env["TSRAY_ADDRESS"];
    const head = await spawnNode(startOptions({ head: true, port: "0", numCpus: "0" }, env), env);
    return new BenchCluster(head, env, stateDir);
  }

  /** Starts a worker node joining the head; resolves with its record once it serves. */
  addNode(flags: Omit<StartFlags, "head" | "address"> = {}): Promise<LocalNodeRecord> {
    return spawnNode(startOptions({ ...flags, address: this.head.url }, this.env), this.env);
  }

  /** Joins the cluster as a driver without a node of its own (every task runs on a node process). */
  async join(): Promise<void> {
    await ray.init({ address: this.head.url, numCpus: 0, namespace: "bench" });
  }

  /** Resolves once the driver's node table shows `nodeId` alive. */
  async waitForNode(nodeId: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ray.nodes().some((n) => n.nodeId === nodeId && n.alive)) {
      if (Date.now() > deadline) throw new Error(`node ${nodeId} did not join within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Leaves the cluster (if joined) and ends every node it started. */
  async stop(): Promise<void> {
    if (ray.isInitialized()) await ray.shutdown();
    await stopNodes(5_000, this.env);
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Hard affinity to one node: the task runs there or fails. */
export function on(nodeId: string): { schedulingStrategy: { nodeId: string; soft: false } } {
  return { schedulingStrategy: { nodeId, soft: false } };
}

/** What the cross-node cases measure between: a joined driver, one worker node, and the raw ws peer process. */
export interface CrossNodeSetup {
  readonly nodeId: string;
  /** A raw ws client of the peer process: the baseline. */
  readonly raw: RawWsClient;
  stop(): Promise<void>;
}

/** Starts a head, a worker node with `numCpus` CPUs and the raw ws peer, and joins as the driver; on failure, ends what it started. */
export async function startCrossNode(numCpus: number): Promise<CrossNodeSetup> {
  const cluster = await BenchCluster.start();
  let peer: RawWsPeerProcess | undefined;
  try {
    peer = await RawWsPeerProcess.start();
    const node = await cluster.addNode({ numCpus: String(numCpus) });
    await cluster.join();
    await cluster.waitForNode(node.nodeId!);
    const raw = await RawWsClient.connect(peer.url);
    const started = peer;
    return {
      nodeId: node.nodeId!,
      raw,
      async stop() {
        await raw.close();
        started.stop();
        await cluster.stop();
      },
    };
  } catch (e) {
    peer?.stop();
    await cluster.stop();
    throw e;
  }
}
