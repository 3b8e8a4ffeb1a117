/**
 * `tsray status`: asks the head for its view (a read-only "cli" connection) and formats it: every
 * node, alive or dead, with its address and resources used/total from its last report.
 */
import { InvalidArgumentError } from "../common/errors.js";
import { connectClusterState } from "../cluster/connect-cluster-state.js";
import type { ClusterStatus, NodeStatus } from "../cluster/cluster-messages.js";
import { resolveClusterAddress } from "../cluster/local-node-records.js";

export interface StatusOptions {
  readonly address?: string | undefined;
  readonly token?: string | undefined;
  readonly ca?: string | undefined;
}

export async function fetchClusterStatus(o: StatusOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ address: string; status: ClusterStatus }> {
  const address = resolveClusterAddress(o.address, env);
  if (address === undefined) {
    throw new InvalidArgumentError("tsray status: no cluster found: give --address ws://HEAD:PORT, set TSRAY_ADDRESS, or start one with tsray start --head.");
  }
  const token = o.token ?? (env["TSRAY_TOKEN"] === "" ? undefined : env["TSRAY_TOKEN"]);
  const client = await connectClusterState(address, { kind: "cli", token, ca: o.ca });
  try {
    return { address, status: await client.getClusterStatus() };
  } finally {
    client.close(new Error("tsray status is done"));
  }
}

export function formatClusterStatus(address: string, status: ClusterStatus): string {
  const alive = status.nodes.filter((n) => n.alive);
  const lines = [
    `cluster at ${address}: ${alive.length} node${alive.length === 1 ? "" : "s"} alive, ${status.nodes.length - alive.length} dead ` +
      `(heartbeat every ${status.heartbeatMs} ms, dead after ${status.deadAfterMs} ms of silence)`,
  ];
  for (const n of status.nodes) lines.push(`  ${n.alive ? "ALIVE" : "DEAD "}  ${n.nodeId}  ${n.address}${n.address === address ? " (head)" : ""}  ${resourceText(n)}`);
  const totals = sumOf(alive.map((n) => n.resources));
  const used = sumOf(alive.map((n) => usedOf(n)));
  lines.push(`resources (alive nodes, used/total): ${Object.keys(totals).sort().map((k) => `${k} ${show(k, used[k] ?? 0)}/${show(k, totals[k]!)}`).join(", ") || "none"}`);
  const waiting = (key: "pending" | "infeasible") => alive.reduce((sum, n) => sum + (n[key] ?? 0), 0);
  lines.push(`demand: ${waiting("pending")} pending, ${waiting("infeasible")} infeasible (tasks and actors waiting in the alive nodes' schedulers)`);
  return lines.join("\n");
}

function usedOf(n: NodeStatus): Record<string, number> {
  if (n.available === undefined) return {};
  const used: Record<string, number> = {};
  for (const [k, total] of Object.entries(n.resources)) used[k] = Math.max(0, total - (n.available[k] ?? 0));
  return used;
}

function resourceText(n: NodeStatus): string {
  if (!n.alive) return "";
  const used = usedOf(n);
  const resources = Object.keys(n.resources).sort().map((k) => `${k} ${n.available === undefined ? "?" : show(k, used[k] ?? 0)}/${show(k, n.resources[k]!)}`);
  const waiting = (n.pending ?? 0) + (n.infeasible ?? 0) > 0 ? `; ${n.pending ?? 0} pending, ${n.infeasible ?? 0} infeasible` : "";
  const objects = n.objects === undefined ? "" : `; objects ${n.objects} (${mib(n.objectBytes ?? 0)})`;
  return `${resources.join(", ")}${waiting}${objects}`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function sumOf(maps: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function show(key: string, value: number): string {
  if (key === "memory") return `${(value / 2 ** 30).toFixed(1)}GiB`;
  return String(Math.round(value * 1e4) / 1e4);
}
