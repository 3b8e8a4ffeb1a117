/**
 * Runs shell commands as a new user would type them: in bash, with none of the
 * environment `npm test` adds. npm hands its scripts its own configuration as
 * npm_* variables (the workspace's prefix among them: an `npm install` run
 * with it would install into the workspace) and puts the workspace's
 * node_modules/.bin on PATH (so `npx tspc` would find our tspc, not the user's).
 *
 * npm is asked to prefer its cache (`prefer-offline`): the workspace install
 * already put typescript, ts-patch and msgpackr there, and the registry is
 * then asked only for what is missing.
 */
import { spawn } from "node:child_process";
import { delimiter } from "node:path";

export interface ShellResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** bash's `-x` trace of each command, then the commands' own stderr. */
  readonly stderr: string;
}

function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  env["PATH"] = (process.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => !dir.includes("node_modules"))
    .join(delimiter);
  env["npm_config_prefer_offline"] = "true";
  env["npm_config_audit"] = "false";
  env["npm_config_fund"] = "false";
  env["npm_config_update_notifier"] = "false";
  return env;
}

/** Runs `script` with `bash -e -x` in `cwd`; killed (signal SIGKILL) after `limitS`. */
export function runUserShell(script: string, cwd: string, limitS: number): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-e", "-x", "-c", script], { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
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
