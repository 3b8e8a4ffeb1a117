/**
 * `tsray stop`: ends the node processes this machine started (their records in the state
 * directory): SIGTERM first, worker nodes before heads, then SIGKILL for any still running after
 * `graceMs`. Resolves with what became of each.
 */
import { forgetNode, isRunning, recordedNodes, type LocalNodeRecord } from "../cluster/local-node-records.js";

export interface Stopped {
  readonly record: LocalNodeRecord;
  readonly how: "stopped" | "killed";
}

export async function stopNodes(graceMs = 10_000, env: NodeJS.ProcessEnv = process.env): Promise<Stopped[]> {
  const records = recordedNodes(env).sort((a, b) => Number(a.head) - Number(b.head));
  const out: Stopped[] = [];
  for (const record of records) {
    try {
      process.kill(record.pid, "SIGTERM");
    } catch {
      // Gone already.
    }
    const deadline = Date.now() + graceMs;
    while (isRunning(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    let how: Stopped["how"] = "stopped";
    if (isRunning(record.pid)) {
      process.kill(record.pid, "SIGKILL");
      how = "killed";
    }
    forgetNode(record.pid, env);
    out.push({ record, how });
  }
  return out;
}
