/**
 * Prints lines that tasks and actors logged (forwarded by their threads) on
 * the driver's terminal, each prefixed with its origin, Ray style:
 * `(add pid=1234 worker=w2 node=ab12) hello`. Warnings and errors go to
 * stderr, the rest to stdout.
 */
export interface LogLine {
  readonly stream: "out" | "err";
  readonly label: string;
  readonly text: string;
}

/** `pid`: the process the line was printed in (a node process's, for lines it forwarded; else this one). */
export function printLogLine(line: LogLine, workerId: string, nodeId: string, pid: number = process.pid): void {
  const prefix = `(${line.label} pid=${pid} worker=${workerId} node=${nodeId.slice(0, 4)}) `;
  const out = line.stream === "err" ? process.stderr : process.stdout;
  out.write(prefix + line.text.split("\n").join(`\n${prefix}`) + "\n");
}
