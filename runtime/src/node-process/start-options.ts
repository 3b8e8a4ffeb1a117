/**
 * `tsray start`'s flags, checked once and compiled into `StartOptions` (plain data: a detached
 * node process receives them over its IPC channel, so the token never shows in a process list).
 * Every mistake is an `InvalidArgumentError` whose message says which flag and what to give; the
 * command turns it into exit code 2.
 */
import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "../common/errors.js";
import { isLoopbackHost } from "../transport/ws-server.js";
import { resolveClusterAddress } from "../cluster/local-node-records.js";

export const DEFAULT_HEAD_PORT = 6380;

/** The flags as commander hands them over (strings, or true for switches). */
export interface StartFlags {
  readonly head?: boolean | undefined;
  readonly address?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly numCpus?: string | undefined;
  readonly numGpus?: string | undefined;
  readonly memory?: string | undefined;
  readonly resources?: string | undefined;
  readonly token?: string | undefined;
  readonly heartbeatMs?: string | undefined;
  readonly deadAfterMs?: string | undefined;
  readonly maxFrameBytes?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly ca?: string | undefined;
}

export interface StartOptions {
  readonly head: boolean;
  /** The head's address (worker nodes). */
  readonly address: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly numCpus: number | undefined;
  readonly numGpus: number | undefined;
  readonly memory: number | undefined;
  readonly resources: Record<string, number> | undefined;
  readonly token: string | undefined;
  readonly heartbeatMs: number | undefined;
  readonly deadAfterMs: number | undefined;
  readonly maxFrameBytes: number | undefined;
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  readonly ca: string | undefined;
}

export function startOptions(raw: StartFlags, env: NodeJS.ProcessEnv = process.env): StartOptions {
  const head = raw.head === true;
  let flags = raw;
  if (raw.address === "auto") {
    const address = resolveClusterAddress("auto", env);
    if (address === undefined) throw new InvalidArgumentError("tsray start: --address auto found no head: set TSRAY_ADDRESS or start one here with tsray start --head.");
    flags = { ...raw, address };
  }
  if (head === (flags.address !== undefined)) {
    throw new InvalidArgumentError("tsray start: give either --head (start a cluster) or --address ws://HEAD:PORT (join one as a worker node).");
  }
  if (flags.address !== undefined && !/^wss?:\/\/[^/]+/.test(flags.address)) {
    throw new InvalidArgumentError(`tsray start: --address must look like ws://HOST:PORT or wss://HOST:PORT, got ${JSON.stringify(flags.address)}.`);
  }
  const host = flags.host ?? "127.0.0.1";
  const token = flags.token ?? (env["TSRAY_TOKEN"] === "" ? undefined : env["TSRAY_TOKEN"]);
  if (!isLoopbackHost(host) && token === undefined) {
    throw new InvalidArgumentError(
      `tsray start: refusing to listen on ${host} without a token: anyone who can reach it could run code on this machine. ` +
        "Give --token T (or TSRAY_TOKEN), or bind --host 127.0.0.1.",
    );
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new InvalidArgumentError("tsray start: --tls-cert and --tls-key go together (PEM files of the node's certificate and key).");
  }
  return {
    head,
    address: flags.address,
    host,
    port: integer(flags.port, "--port", 0, 65535) ?? (head ? DEFAULT_HEAD_PORT : 0),
    numCpus: amount(flags.numCpus, "--num-cpus"),
    numGpus: integer(flags.numGpus, "--num-gpus", 0, 1024),
    memory: amount(flags.memory, "--memory"),
    resources: resources(flags.resources),
    token,
    heartbeatMs: integer(flags.heartbeatMs, "--heartbeat-ms", 10, 600_000),
    deadAfterMs: integer(flags.deadAfterMs, "--dead-after-ms", 20, 3_600_000),
    maxFrameBytes: integer(flags.maxFrameBytes, "--max-frame-bytes", 1024, 2 ** 31),
    tls: flags.tlsCert === undefined ? undefined : { cert: readPem(flags.tlsCert, "--tls-cert"), key: readPem(flags.tlsKey!, "--tls-key") },
    ca: flags.ca === undefined ? undefined : readPem(flags.ca, "--ca"),
  };
}

function integer(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`tsray start: ${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  }
  return n;
}

function amount(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`tsray start: ${flag} must be a number of at least 0, got ${JSON.stringify(raw)}.`);
  return n;
}

function resources(raw: string | undefined): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`tsray start: --resources must be a JSON object such as '{"Custom":2}', got ${JSON.stringify(raw)}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`tsray start: --resources must be a JSON object such as '{"Custom":2}', got ${JSON.stringify(raw)}.`);
  }
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`tsray start: --resources: "${k}" must be a number of at least 0.`);
  }
  return parsed as Record<string, number>;
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new InvalidArgumentError(`tsray start: ${flag}: cannot read ${path} (${(e as Error).message}).`);
  }
}
