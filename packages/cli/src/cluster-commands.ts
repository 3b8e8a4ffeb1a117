/**
 * `tsray start`, `tsray status`, `tsray stop`: flags parsed here, everything else done by the
 * runtime's `tsray/node-process`. A flag it cannot use is a usage error (exit code 2), with the
 * runtime's message saying what to give.
 */
import { Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";
import { InvalidArgumentError } from "tsray";
import {
  fetchClusterStatus,
  formatClusterStatus,
  runNode,
  spawnNode,
  startOptions,
  stopNodes,
  type StartFlags,
  type StartOptions,
} from "tsray/node-process";
import { readFileSync } from "node:fs";

/** Commander's usage error (exit code 2 through runCommandLine) from the runtime's InvalidArgumentError. */
async function usage<T>(command: Command, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof InvalidArgumentError) command.error(e.message, { exitCode: 2, code: "tsray.usage" });
    throw e;
  }
}

export function startCommand(): Command {
  const command = new Command("start")
    .description("start a node: the head of a new cluster (--head) or a worker node joining one (--address)")
    .option("--head", "start the head of a cluster (it serves the cluster state, and runs workers unless --num-cpus 0)")
    .option("--address <url>", "join the cluster whose head is at ws://HOST:PORT as a worker node")
    .option("--host <host>", "address to listen on (anything but loopback needs a token)", "127.0.0.1")
    .option("--port <port>", "port to listen on (head: 6380; worker node: any free port)")
    .option("--num-cpus <n>", "CPUs of this node (default: all); 0 on the head: no workers there")
    .option("--num-gpus <n>", "GPUs of this node (default 0)")
    .option("--memory <bytes>", "memory tasks may reserve (default: 70% of RAM)")
    .option("--resources <json>", `custom resources, e.g. '{"Custom":2}'`)
    .option("--token <token>", "the cluster token (or TSRAY_TOKEN); required off loopback")
    .option("--block", "stay in the foreground until SIGINT/SIGTERM, then stop cleanly")
    .option("--tls-cert <file>", "serve wss:// with this PEM certificate (with --tls-key)")
    .option("--tls-key <file>", "the PEM key of --tls-cert")
    .option("--ca <file>", "a worker node joining a wss:// head: the PEM certificate to trust")
    .addOption(new Option("--heartbeat-ms <ms>", "heartbeat period").hideHelp())
    .addOption(new Option("--dead-after-ms <ms>", "silence after which a node is dead (head)").hideHelp())
    .addOption(new Option("--max-frame-bytes <n>", "the largest frame accepted").hideHelp())
    .action(async (flags: StartFlags & { block?: boolean }) => {
      const options: StartOptions = await usage(command, () => startOptions(flags));
      if (flags.block === true) {
        process.exitCode = await runNode(options);
        return;
      }
      const record = await usage(command, () => spawnNode(options));
      console.log(`${record.head ? "head" : "worker node"} ${record.nodeId ?? "(no workers)"} started at ${record.url} (pid ${record.pid}, log ${record.logFile})`);
      if (record.head) {
        console.log(`join it: tsray start --address ${record.url}${options.token !== undefined ? " --token …" : ""}`);
        console.log(`drivers: ray.init({ address: "${record.url}" })  (or address: "auto" on this machine)`);
      }
      console.log("stop it: tsray stop");
    });
  return command;
}

export function statusCommand(): Command {
  const command = new Command("status")
    .description("show the cluster's nodes (alive or dead) and resources used/total")
    .option("--address <url>", "the head, ws://HOST:PORT (default: TSRAY_ADDRESS, else the head started on this machine)")
    .option("--token <token>", "the cluster token (or TSRAY_TOKEN)")
    .option("--ca <file>", "for a wss:// head: the PEM certificate to trust")
    .option("--json", "print the status as JSON")
    .action(async (flags: { address?: string; token?: string; ca?: string; json?: boolean }) => {
      const ca = flags.ca === undefined ? undefined : readPem(flags.ca);
      const { address, status } = await usage(command, () => fetchClusterStatus({ address: flags.address, token: flags.token, ca }));
      console.log(flags.json === true ? JSON.stringify({ address, ...status }, null, 2) : formatClusterStatus(address, status));
    });
  return command;
}

export function stopCommand(): Command {
  return new Command("stop").description("stop the nodes started on this machine").action(async () => {
    const stopped = await stopNodes();
    if (stopped.length === 0) console.log("no tsray nodes are running on this machine");
    for (const s of stopped) console.log(`${s.how} ${s.record.head ? "head" : "worker node"} ${s.record.nodeId ?? ""} (pid ${s.record.pid}, ${s.record.url})`);
  });
}

function readPem(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new CommanderArgumentError(`cannot read ${path}: ${(e as Error).message}`);
  }
}
