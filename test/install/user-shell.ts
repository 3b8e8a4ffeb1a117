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
import { delimiter } from "node:path";
import { runProgram, type ChildResult } from "../runtime/child-process.js";

/** What the commands printed; stderr starts with bash's `-x` trace of each command. */
export type ShellResult = ChildResult;

function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  env["PATH"] = (process.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => !/node_modules[\\/]\.bin$/.test(dir))
    .join(delimiter);
  env["npm_config_prefer_offline"] = "true";
  env["npm_config_audit"] = "false";
  env["npm_config_fund"] = "false";
  env["npm_config_update_notifier"] = "false";
  return env;
}

/** Runs `script` with `bash -e -x` in `cwd`; killed (signal SIGKILL) after `limitS`. */
export function runUserShell(script: string, cwd: string, limitS: number): Promise<ShellResult> {
  return runProgram("bash", ["-e", "-x", "-c", script], { cwd, env: userEnv(), limitS });
}

/** A run's exit status and output, for assertion messages. */
export function transcript(result: ShellResult): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
