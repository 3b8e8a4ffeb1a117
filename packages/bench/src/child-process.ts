/**
 * Runs a bench script in a fresh Node process and reads its result. Cases
 * that must start from nothing (init latency, a million queued tasks) and
 * every case of the suite (so one case's heap, threads or a hang cannot
 * disturb the next) run this way.
 *
 * Protocol: the child prints `BENCH_RESULT <json>` once, and may print
 * `BENCH_PROGRESS <json>` lines as it goes; other output is passed through to
 * our stderr. On a crash or timeout the last progress line is kept so the
 * report can say how far the child got instead of hiding the failure.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const resultTag = "BENCH_RESULT ";
const progressTag = "BENCH_PROGRESS ";

export interface ChildOutcome<R> {
  readonly result?: R;
  /** Why there is no result: exit code/signal, timeout, unparsable output. */
  readonly failure?: string;
  readonly lastProgress?: unknown;
  /** Last lines of the child's stderr, for the failure message. */
  readonly stderrTail: string;
}

export interface ChildOptions {
  readonly args?: readonly string[];
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs: number;
  /** Pass the child's stderr through as it comes (the runner does; nested children report through it). */
  readonly echoStderr?: boolean;
}

export function runChild<R>(script: URL, options: ChildOptions): Promise<ChildOutcome<R>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), fileURLToPath(script), ...(options.args ?? [])], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let result: R | undefined;
    let lastProgress: unknown;
    let parseError: string | undefined;
    let stdoutBuf = "";
    let stderrTail = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdoutBuf += chunk;
      let nl: number;
      while ((nl = stdoutBuf.indexOf("\n")) >= 0) {
        const line = stdoutBuf.slice(0, nl);
        stdoutBuf = stdoutBuf.slice(nl + 1);
        if (line.startsWith(resultTag)) {
          try {
            result = JSON.parse(line.slice(resultTag.length)) as R;
          } catch (e) {
            parseError = `unparsable result line: ${(e as Error).message}`;
          }
        } else if (line.startsWith(progressTag)) {
          try {
            lastProgress = JSON.parse(line.slice(progressTag.length));
          } catch {
            // A torn progress line only loses a progress report; the result line decides the outcome.
          }
        } else if (line !== "") {
          process.stderr.write(`  | ${line}\n`);
        }
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-2000);
      if (options.echoStderr === true) process.stderr.write(chunk);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let failure: string | undefined;
      if (timedOut) failure = `did not finish within ${(options.timeoutMs / 1000).toFixed(0)} s (killed)`;
      else if (result === undefined) failure = parseError ?? `exited (${code ?? signal}) without a result`;
      resolve({
        ...(result !== undefined && failure === undefined ? { result } : {}),
        ...(failure !== undefined ? { failure } : {}),
        ...(lastProgress !== undefined ? { lastProgress } : {}),
        stderrTail,
      });
    });
  });
}

/** What a child script calls to hand back its result. */
export function reportResult(value: unknown): void {
  process.stdout.write(`${resultTag}${JSON.stringify(value)}\n`);
}

export function reportProgress(value: unknown): void {
  process.stdout.write(`${progressTag}${JSON.stringify(value)}\n`);
}
