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

export function printLogLine(line: LogLine, workerId: string, nodeId: string): void {
  const prefix = `(${line.label} pid=${process.pid} worker=${workerId} node=${nodeId.slice(0, 4)}) `;
  const out = line.stream === "err" ? process.stderr : process.stdout;
  out.write(prefix + line.text.split("\n").join(`\n${prefix}`) + "\n");
}
