// Helpers for tests that run real node processes with the project's own `tsray` command (the built
// packages/cli), each test cluster with a state directory of its own so that `tsray stop` ends
// exactly its nodes. `cleanup()` always ends them (tsray stop, then SIGKILL for any left), and runs
// at process exit too.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../../packages/cli/dist/main.js", import.meta.url));

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface NodeRecord {
  readonly pid: number;
  readonly nodeId: string | undefined;
  readonly url: string;
  readonly head: boolean;
  readonly logFile: string | undefined;
}

const live = new Set<TestCluster>();
process.on("exit", () => {
  for (const c of live) c.killAll();
});

export class TestCluster {
  readonly stateDir = mkdtempSync(join(tmpdir(), "tsray-test-state-"));
  readonly env: NodeJS.ProcessEnv;

  /** `prefix`: a command to run `node` under (e.g. `ip netns exec NAME`). */
  constructor(extraEnv: NodeJS.ProcessEnv = {}) {
    const env: NodeJS.ProcessEnv = { ...process.env, TSRAY_STATE_DIR: this.stateDir, ...extraEnv };
    delete env["TSRAY_ADDRESS"];
    if (!("TSRAY_TOKEN" in extraEnv)) delete env["TSRAY_TOKEN"];
    this.env = env;
    live.add(this);
  }

  /** Runs `tsray ...args` (optionally under `prefix`, e.g. ["ip", "netns", "exec", "ns"]) to its end. */
  run(args: readonly string[], prefix: readonly string[] = []): Promise<CommandResult> {
    const [file, ...rest] = [...prefix, process.execPath, CLI, ...args];
    return new Promise((resolve) => {
      execFile(file!, rest, { env: this.env, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** `tsray start ...args`; resolves with the new node's record once it serves. */
  async start(args: readonly string[], prefix: readonly string[] = []): Promise<NodeRecord> {
    const before = new Set(this.nodes().map((n) => n.pid));
    const result = await this.run(["start", ...args], prefix);
    if (result.code !== 0) throw new Error(`tsray start ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
    const started = this.nodes().find((n) => !before.has(n.pid));
    if (started === undefined) throw new Error(`tsray start ${args.join(" ")} recorded no node:\n${result.stdout}`);
    return started;
  }

  /** Starts `tsray start ...args --block` in the foreground; resolves once it says it serves. */
  async startBlocking(args: readonly string[]): Promise<{ child: ChildProcess; exited: Promise<number | null>; stderr: () => string }> {
    const child = spawn(process.execPath, [CLI, "start", ...args, "--block"], { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
        if (/serves at/.test(err)) resolve();
      });
      void exited.then((code) => reject(new Error(`tsray start --block exited (${code}) before serving:\n${err}`)));
    });
    return { child, exited, stderr: () => err };
  }

  /** The node records in this cluster's state directory. */
  nodes(): NodeRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.stateDir);
    } catch {
      return [];
    }
    return names.filter((n) => /^node-\d+\.json$/.test(n)).map((n) => JSON.parse(readFileSync(join(this.stateDir, n), "utf8")) as NodeRecord);
  }

  log(node: NodeRecord): string {
    return node.logFile === undefined ? "" : readFileSync(node.logFile, "utf8");
  }

  /** `tsray stop`, then SIGKILL whatever is still recorded, then the state directory goes. */
  async cleanup(): Promise<void> {
    await this.run(["stop"]);
    this.killAll();
    live.delete(this);
  }

  killAll(): void {
    for (const n of this.nodes()) {
      try {
        process.kill(n.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Resolves when `check()` holds, checking every `everyMs` (for state only another process changes); rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
