// Runs a fixture program as a child process and collects its output.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `fixture` is relative to test/fixtures/runtime. A program that never exits is killed after `limitS` and reported with signal SIGKILL. */
export function runFixture(fixture: string, args: readonly string[] = [], limitS = 90): Promise<ChildResult> {
  const path = fileURLToPath(new URL(`../../fixtures/runtime/${fixture}`, import.meta.url));
  return runNode([path, ...args], limitS);
}

export function runNode(args: readonly string[], limitS = 90, cwd?: string): Promise<ChildResult> {
  return runProgram(process.execPath, args, { limitS, ...(cwd !== undefined ? { cwd } : {}) });
}

/** Runs `file` with `args` and collects its output; killed (signal SIGKILL) after `limitS`. */
export function runProgram(
  file: string,
  args: readonly string[],
  options: { readonly limitS: number; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const { limitS, ...spawnOptions } = options;
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], ...spawnOptions });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const limit = setTimeout(() => child.kill("SIGKILL"), limitS * 1000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
