/**
 * `tsray start` without `--block`: starts the node in a detached process (node-main.ts) whose
 * output goes to a log file in the state directory, and resolves once the node serves (its
 * `ready` report), or rejects with why it could not start. The command can then exit; the node
 * runs on, recorded for `tsray stop`.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, TsrayError } from "../common/errors.js";
import { stateDir, type LocalNodeRecord } from "../cluster/local-node-records.js";
import type { StartOptions } from "./start-options.js";

export type SpawnReport =
  | { readonly kind: "ready"; readonly record: LocalNodeRecord }
  | { readonly kind: "failed"; readonly message: string; readonly code: string | undefined };

const NODE_MAIN = fileURLToPath(new URL("./node-main.js", import.meta.url));

export async function spawnNode(options: StartOptions, env: NodeJS.ProcessEnv = process.env): Promise<LocalNodeRecord> {
  const logs = join(stateDir(env), "logs");
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  const logFile = join(logs, `${options.head ? "head" : "node"}-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.log`);
  const fd = openSync(logFile, "a", 0o600);
  const child = spawn(process.execPath, [NODE_MAIN], { detached: true, stdio: ["ignore", fd, fd, "ipc"], env, serialization: "advanced" });
  closeSync(fd);
  child.send({ options, logFile });
  try {
    return await new Promise<LocalNodeRecord>((resolve, reject) => {
      child.once("message", (m) => {
        const report = m as SpawnReport;
        if (report.kind === "ready") resolve(report.record);
        else reject(report.code === "TSRAY_INVALID_ARGUMENT" ? new InvalidArgumentError(report.message) : new TsrayError("TSRAY_RUNTIME", `The node could not start: ${report.message} (log: ${logFile}).`));
      });
      child.once("exit", (code, signal) => {
        reject(new TsrayError("TSRAY_RUNTIME", `The node process ended before it served (${signal ?? `exit code ${code}`}):\n${tail(logFile)}\n(log: ${logFile})`));
      });
    });
  } finally {
    if (child.connected) child.disconnect();
    child.unref();
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-10).join("\n");
  } catch {
    return "(no log)";
  }
}
