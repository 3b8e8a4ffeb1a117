// Logs of tasks and actors on node processes (issue 11): what a task or actor prints on a node process reaches the
// terminal of the driver that submitted it, prefixed with where it ran — the node process's pid,
// its worker and the first characters of the node's id — through the node protocol's `log` message.
// The driver is a child process here, so its own stdout and stderr can be read.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TestCluster, type NodeRecord } from "./tsray-cli.js";

const TOKEN = "remote-logs-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("logs of tasks on node processes");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"logs":1}', "--token", TOKEN]);
});

t.after(() => cluster.cleanup());

function runDriver(text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const fixture = fileURLToPath(new URL("../../fixtures/cluster/logging-driver.mjs", import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, [fixture, text], { env: { ...cluster.env, TSRAY_ADDRESS: head.url, TSRAY_TOKEN: TOKEN }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

t("console.log and console.error of a task on a worker node reach the driver's stdout and stderr with that node in the prefix", async () => {
  const text = `hello from the node ${process.pid}`;
  const out = await runDriver(text);
  assert.is(out.code, 0, out.stderr);
  assert.ok(out.stdout.includes(`ran on ${worker.nodeId}`), out.stdout);
  const prefix = new RegExp(`^\\(shout pid=${worker.pid} worker=[^ ]+ node=${worker.nodeId!.slice(0, 4)}\\) `.replace(/[.]/g, "\\."), "m");
  const outLine = out.stdout.split("\n").find((l) => l.endsWith(text) && prefix.test(l));
  assert.ok(outLine !== undefined, `stdout has the line with the node's prefix:\n${out.stdout}`);
  const errLine = out.stderr.split("\n").find((l) => l.endsWith(`warn: ${text}`) && prefix.test(l));
  assert.ok(errLine !== undefined, `stderr has the line with the node's prefix:\n${out.stderr}`);
});

t("console output of an actor on a worker node, in its constructor and its calls, reaches the driver with that node in the prefix", async () => {
  const text = `actor lines ${process.pid}`;
  const out = await runDriver(text);
  assert.is(out.code, 0, out.stderr);
  assert.ok(out.stdout.includes(`actor on ${worker.nodeId}`), out.stdout);
  const prefix = new RegExp(`^\\([^ ]+ pid=${worker.pid} worker=[^ ]+ node=${worker.nodeId!.slice(0, 4)}\\) `, "m");
  const born = out.stdout.split("\n").find((l) => l.endsWith(`born: ${text}`) && prefix.test(l));
  assert.ok(born !== undefined, `stdout has the constructor's line with the node's prefix:\n${out.stdout}`);
  const cry = out.stderr.split("\n").find((l) => l.endsWith(`cry: ${text}`) && prefix.test(l));
  assert.ok(cry !== undefined, `stderr has the call's line with the node's prefix:\n${out.stderr}`);
});

t.run();
