/**
 * What `tsray start` leaves on this machine so that `tsray stop` can end the nodes it started and
 * `ray.init({ address: "auto" })` / `tsray status` can find the head: one JSON file per running node
 * process (`node-<pid>.json`) and the address of the last head started here (`head.json`), in the
 * state directory: `TSRAY_STATE_DIR`, else `<os.tmpdir()>/tsray-<uid>` (private: mode 0700).
 * A node writes its own record once it serves, and removes it when it stops cleanly; records of
 * processes that died are skipped (and removed) by whoever reads them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface LocalNodeRecord {
  readonly pid: number;
  readonly nodeId: string | undefined;
  /** Where the node listens. */
  readonly url: string;
  /** The head's address. */
  readonly clusterAddress: string;
  readonly head: boolean;
  readonly logFile: string | undefined;
  readonly startedAt: string;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["TSRAY_STATE_DIR"];
  if (dir !== undefined && dir !== "") return dir;
  let uid: number | string;
  try {
    uid = userInfo().uid;
  } catch {
    uid = "user";
  }
  return join(tmpdir(), `tsray-${uid}`);
}

function ensureDir(env: NodeJS.ProcessEnv): string {
  const dir = stateDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function recordNode(record: LocalNodeRecord, env: NodeJS.ProcessEnv = process.env): void {
  const dir = ensureDir(env);
  writeFileSync(join(dir, `node-${record.pid}.json`), JSON.stringify(record, null, 2), { mode: 0o600 });
  if (record.head) writeFileSync(join(dir, "head.json"), JSON.stringify({ url: record.url, pid: record.pid }), { mode: 0o600 });
}

export function forgetNode(pid: number, env: NodeJS.ProcessEnv = process.env): void {
  const dir = stateDir(env);
  rmSync(join(dir, `node-${pid}.json`), { force: true });
  const head = readJson(join(dir, "head.json")) as { pid?: unknown } | undefined;
  if (head?.pid === pid) rmSync(join(dir, "head.json"), { force: true });
}

/** The records of node processes that are still running. */
export function recordedNodes(env: NodeJS.ProcessEnv = process.env): LocalNodeRecord[] {
  const dir = stateDir(env);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: LocalNodeRecord[] = [];
  for (const name of names) {
    if (!/^node-\d+\.json$/.test(name)) continue;
    const record = readJson(join(dir, name)) as LocalNodeRecord | undefined;
    if (record === undefined || typeof record.pid !== "number") continue;
    if (isRunning(record.pid)) out.push(record);
    else forgetNode(record.pid, env);
  }
  return out;
}

/** The address of the head started last on this machine, if it still runs. */
export function recordedHeadAddress(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const head = readJson(join(stateDir(env), "head.json")) as { url?: unknown; pid?: unknown } | undefined;
  if (head === undefined || typeof head.url !== "string" || typeof head.pid !== "number" || !isRunning(head.pid)) return undefined;
  return head.url;
}

/** `address` as given, "auto" or absent: `TSRAY_ADDRESS`, else the head recorded on this machine. */
export function resolveClusterAddress(address: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (address !== undefined && address !== "auto") return address;
  const fromEnv = env["TSRAY_ADDRESS"];
  if (fromEnv !== undefined && fromEnv !== "" && fromEnv !== "auto") return fromEnv;
  return recordedHeadAddress(env);
}

/** True while `pid` runs: an exited process its parent has not reaped yet (a zombie, on Linux) does not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …", the state after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): kill(0) is the answer
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}
