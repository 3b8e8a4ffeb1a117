/**
 * Runs a node in this process until SIGINT or SIGTERM (or, for a worker node, until its head is
 * lost), recorded in the state directory while it serves (cluster/local-node-records.ts).
 * `tsray start --block` runs it in the foreground; `tsray start` in a detached child (node-main.ts).
 */
import { forgetNode, recordNode, type LocalNodeRecord } from "../cluster/local-node-records.js";
import { startNode } from "./start-node.js";
import type { StartOptions } from "./start-options.js";

export interface RunNodeHooks {
  /** The node serves (and is recorded). */
  readonly onReady?: ((record: LocalNodeRecord) => void) | undefined;
  readonly logFile?: string | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

/** Resolves with the exit code once the node stopped: 0 after a signal, 1 when the head was lost. */
export async function runNode(options: StartOptions, hooks: RunNodeHooks = {}): Promise<number> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} tsray: ${line}\n`));
  // Listening before the node serves: a signal that comes the moment it serves still stops it cleanly.
  const signalled = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const node = await startNode(options);
  const record: LocalNodeRecord = {
    pid: process.pid,
    nodeId: node.nodeId,
    url: node.url,
    clusterAddress: node.clusterAddress,
    head: node.head,
    logFile: hooks.logFile,
    startedAt: new Date().toISOString(),
  };
  recordNode(record);
  log(`${node.head ? "head" : "worker node"} ${node.nodeId ?? "(no workers)"} serves at ${node.url}${node.head ? "" : `, joined ${node.clusterAddress}`}`);
  hooks.onReady?.(record);
  const why = await Promise.race([signalled, node.lost.then((e) => e)]);
  const code = typeof why === "string" ? 0 : 1;
  log(typeof why === "string" ? `${why}: stopping` : `the head is gone (${why.message}): stopping`);
  try {
    await node.stop();
  } finally {
    forgetNode(process.pid);
  }
  log("stopped");
  return code;
}
