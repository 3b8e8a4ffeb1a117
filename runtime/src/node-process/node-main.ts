/**
 * The entry of a detached node process (`tsray start` without `--block`, spawn-node.ts): receives
 * its `StartOptions` as the first message on its IPC channel (so the token is never in its
 * command line), runs the node, says `ready` (or `failed`) back, and lets the channel go so the
 * command that started it can exit. Its output goes to its log file.
 */
import { runNode } from "./run-node.js";
import type { StartOptions } from "./start-options.js";
import type { SpawnReport } from "./spawn-node.js";

const say = (report: SpawnReport): void => {
  if (process.connected) process.send!(report, undefined, undefined, () => process.connected && process.disconnect());
};

process.once("message", (message) => {
  const { options, logFile } = message as { options: StartOptions; logFile: string };
  runNode(options, { logFile, onReady: (record) => say({ kind: "ready", record }) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      process.stderr.write(`tsray: the node could not start: ${text}\n`);
      say({ kind: "failed", message: text, code: (error as { code?: unknown }).code as string | undefined });
      setTimeout(() => process.exit(1), 100).unref();
    },
  );
});
