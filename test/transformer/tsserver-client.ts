/**
 * Drives a real `tsserver` (node_modules/typescript/lib/tsserver.js) over its
 * stdio protocol, as an editor does: requests are JSON lines on stdin,
 * responses and events come back as `Content-Length:`-framed JSON on stdout.
 * tsserver loads the plugins a project's tsconfig.json names from beside
 * its own node_modules, so `@tsray/transformer` resolves to this workspace's.
 *
 * Given `const server = startTsserver()`, `await server.request("quickinfo", {...})`
 * produces the response body, or rejects with tsserver's message.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./tspc-project.js";

export const tsserverPath = join(repoRoot, "node_modules", "typescript", "lib", "tsserver.js");

interface Response {
  readonly seq: number;
  readonly type: "response" | "event";
  readonly request_seq?: number;
  readonly success?: boolean;
  readonly message?: string;
  readonly body?: unknown;
}

export interface Tsserver {
  /** Sends a request and resolves with its response body. */
  request<T = unknown>(command: string, args?: object): Promise<T>;
  close(): Promise<void>;
}

export function startTsserver(logFile?: string): Tsserver {
  const args = [tsserverPath, "--disableAutomaticTypingAcquisition", "--suppressDiagnosticEvents"];
  if (logFile) args.push("--logVerbosity", "verbose", "--logFile", logFile);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  const pending = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();
  let seq = 0;
  let buffer = Buffer.alloc(0);
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));

  child.stdout.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const header = /^Content-Length: (\d+)\r\n\r\n/.exec(buffer.toString("latin1", 0, Math.min(buffer.length, 64)));
      if (!header?.[1]) return;
      const start = header[0].length;
      const end = start + Number(header[1]);
      if (buffer.length < end) return;
      const message = JSON.parse(buffer.toString("utf8", start, end)) as Response;
      buffer = buffer.subarray(end);
      if (message.type !== "response" || message.request_seq === undefined) continue;
      const waiter = pending.get(message.request_seq);
      pending.delete(message.request_seq);
      if (!waiter) continue;
      if (message.success) waiter.resolve(message.body);
      else waiter.reject(new Error(`tsserver: ${message.message ?? "request failed"}`));
    }
  });
  const exited = new Promise<void>((resolve) =>
    child.on("exit", () => {
      for (const waiter of pending.values()) waiter.reject(new Error(`tsserver exited: ${stderr}`));
      pending.clear();
      resolve();
    }),
  );

  const send = (command: string, args: object | undefined) => {
    const message = { seq: ++seq, type: "request", command, ...(args ? { arguments: args } : {}) };
    child.stdin.write(`${JSON.stringify(message)}\n`);
    return message.seq;
  };
  return {
    request: <T>(command: string, args?: object) =>
      new Promise<T>((resolve, reject) => {
        pending.set(send(command, args), { resolve: resolve as (body: unknown) => void, reject });
      }),
    close: async () => {
      child.stdin.end();
      child.kill();
      await exited;
    },
  };
}

/** A 1-based line/offset, as tsserver counts. */
export interface Location {
  readonly line: number;
  readonly offset: number;
}

/** The location of the `n`th (0-based) occurrence of `needle` in `text`, plus `delta` characters. */
export function locationOf(text: string, needle: string, delta = 0, n = 0): Location {
  let index = -1;
  for (let i = 0; i <= n; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${JSON.stringify(needle)} (occurrence ${n}) not in the file`);
  }
  const before = text.slice(0, index + delta).split("\n");
  return { line: before.length, offset: (before.at(-1)?.length ?? 0) + 1 };
}
