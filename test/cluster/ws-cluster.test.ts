// A cluster of real node processes started with the project's own `tsray` command on 127.0.0.1
// (free ports), and a driver in this process joining it with ray.init({ address, token }).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selfSignedCert } from "../transport/self-signed-cert.js";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import * as ray from "tsray";
import type * as ConnectModule from "../../runtime/dist/cluster/connect-cluster-state.js";
import type * as FrameCodecModule from "../../runtime/dist/transport/ws-frame-codec.js";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { Keeper, touch } from "./remote-fns/cluster-fns.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { connectClusterState } = (await dist("cluster/connect-cluster-state.js")) as typeof ConnectModule;
const { frameCodec } = (await dist("transport/ws-frame-codec.js")) as typeof FrameCodecModule;


const TOKEN = "test-token-1";
const run = promisify(execFile);

interface StatusJson {
  address: string;
  nodes: Array<{ nodeId: string; address: string; alive: boolean; resources: Record<string, number> }>;
}

/** One cluster for the suite: a head with a CPU and a worker node with a resource only it has. */
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("a cluster of tsray node processes");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN, "--max-frame-bytes", "65536"]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"special":1}', "--token", TOKEN]);
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

t("tsray status prints both nodes, as text and as --json", async () => {
  const text = await cluster.run(["status", "--address", head.url, "--token", TOKEN]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /2 nodes alive, 0 dead/);
  assert.match(text.stdout, new RegExp(`ALIVE  ${head.nodeId}  ${head.url} \\(head\\)`));
  assert.match(text.stdout, new RegExp(`ALIVE  ${worker.nodeId}  ${worker.url}  .*special [0?]/1`));
  const json = await cluster.run(["status", "--json"], []); // address auto: the head recorded in the state dir
  assert.is(json.code, 1, "the head needs a token");
  const withToken = await cluster.run(["status", "--json", "--token", TOKEN]);
  const status = JSON.parse(withToken.stdout) as StatusJson;
  assert.equal(
    status.nodes.map((n) => [n.nodeId, n.address, n.alive, n.resources["special"]]),
    [
      [head.nodeId, head.url, true, undefined],
      [worker.nodeId, worker.url, true, 1],
    ],
  );
});

t("a driver that joins lists every node in ray.nodes(), and its named actors are in the head's directory", async () => {
  await ray.init({ address: head.url, token: TOKEN, numCpus: 1, namespace: "ws-cluster" });
  const nodes = ray.nodes();
  const mine = ray.getRuntimeContext().nodeId;
  assert.equal(nodes.map((n) => n.nodeId).sort(), [head.nodeId, worker.nodeId, mine].sort());
  assert.ok(nodes.every((n) => n.alive));
  assert.is(nodes.find((n) => n.nodeId === worker.nodeId)?.address, worker.url);
  assert.is(ray.clusterResources()["CPU"], 3);
  assert.is(ray.clusterResources()["special"], 1);
  const keeper = Keeper.options({ name: "keeper" }).remote();
  assert.is(await ray.get(keeper.ping.remote()), "pong");
  const other = await connectClusterState(head.url, { kind: "driver", token: TOKEN });
  assert.is((await other.getNamedActorInfo("keeper", "ws-cluster"))?.state, "ALIVE");
  other.close(new Error("done"));
});

t("tsray status shows demand no node of the driver's scheduler can fit as infeasible on the driver's node", async () => {
  // No node of the cluster has `nowhere` (`special`, which the worker node has, would run there).
  const ref = touch.options({ resources: { nowhere: 1 } }).remote();
  const mine = ray.getRuntimeContext().nodeId;
  let text = "";
  await until(async () => {
    text = (await cluster.run(["status", "--address", head.url, "--token", TOKEN])).stdout;
    return /demand: 0 pending, 1 infeasible/.test(text);
  }, "status to show the infeasible task", 20_000, 200);
  assert.match(text, new RegExp(`ALIVE  ${mine} .*; 0 pending, 1 infeasible`));
  ray.cancel(ref);
});

t("a driver program that joins and never calls ray.shutdown() exits by itself when its work is done", async () => {
  const fixture = fileURLToPath(new URL("../../fixtures/cluster/joined-driver.mjs", import.meta.url));
  const { stdout } = await run(process.execPath, [fixture, head.url], { env: { ...cluster.env, TSRAY_TOKEN: TOKEN }, timeout: 60_000 });
  const seen = JSON.parse(stdout.trim()) as { nodes: number; named: number };
  assert.is(seen.nodes, 4, "head, worker, this test's driver and its own");
  assert.ok(seen.named >= 1, "it sees the keeper");
});

t("ray.init() with no address joins the cluster named by TSRAY_ADDRESS", async () => {
  const fixture = fileURLToPath(new URL("../../fixtures/cluster/joined-driver.mjs", import.meta.url));
  const { stdout } = await run(process.execPath, [fixture], { env: { ...cluster.env, TSRAY_TOKEN: TOKEN, TSRAY_ADDRESS: head.url }, timeout: 60_000 });
  const seen = JSON.parse(stdout.trim()) as { addresses: string[] };
  assert.ok(seen.addresses.includes(head.url), `the head is listed: ${seen.addresses.join(", ")}`);
  assert.ok(seen.addresses.includes(worker.url), "so is the worker node");
});

t("a wrong token and a wrong protocol version are refused with clear errors; other connections are unaffected", async () => {
  const wrong = await connectClusterState(head.url, { kind: "driver", token: "nope" }).then(() => undefined, (e: unknown) => e);
  assert.ok(wrong instanceof ray.AuthenticationError, `got ${String(wrong)}`);
  const version = await connectClusterState(head.url, { kind: "node", token: TOKEN, protocolVersion: 99 }).then(() => undefined, (e: unknown) => e);
  assert.ok(version instanceof ray.ProtocolVersionError, `got ${String(version)}`);
  const status = await cluster.run(["status", "--address", head.url, "--token", "nope"]);
  assert.is(status.code, 1);
  assert.match(status.stderr, /refused this cli's token/);
  await until(() => /a driver with a wrong token/.test(cluster.log(head)) && /protocol version 99/.test(cluster.log(head)), "the head to log both refusals");
  // The joined driver still works.
  assert.is(ray.nodes().filter((n) => n.alive).length, 3);
  assert.is((await ray.getActor("keeper")) !== undefined, true);
});

t("a seeded fuzzer's thousands of malformed, oversized and unknown frames leave the head serving and the node table unchanged", async () => {
  const before = JSON.stringify(ray.nodes());
  const codec = frameCodec();
  let seed = 0x5eed;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const frames: Array<{ hello: boolean; frame: Buffer | string }> = [];
  const FRAMES = 2000;
  for (let i = 0; i < FRAMES; i++) {
    const kind = i % 6;
    const hello = random() < 0.8; // most get past the handshake, the rest send garbage as their hello
    if (kind === 0) frames.push({ hello, frame: bytes(1 + Math.floor(random() * 64)) }); // random bytes
    else if (kind === 1) frames.push({ hello, frame: Buffer.alloc(65536 + 1 + Math.floor(random() * 1000), 0x90) }); // oversized
    else if (kind === 2) frames.push({ hello, frame: Buffer.from(codec.encode({ t: `x${Math.floor(random() * 1e6)}`, id: 1 }, "fuzz")) }); // unknown kind
    else if (kind === 3) frames.push({ hello, frame: Buffer.from(codec.encode({ t: "call", id: 1, method: "registerNode", args: [{ nodeId: random(), alive: "yes" }] }, "fuzz")) });
    else if (kind === 4) frames.push({ hello, frame: Buffer.from(codec.encode({ t: "call", id: random(), method: "unknownMethod", args: [] }, "fuzz")) });
    else frames.push({ hello, frame: `text ${random()}` }); // text frame
  }
  const helloFrame = Buffer.from(codec.encode({ tsray: "hello", version: 1, token: TOKEN, kind: "node" }, "fuzz"));
  const send = async ({ hello, frame }: { hello: boolean; frame: Buffer | string }): Promise<number> => {
    const ws = new WebSocket(head.url, { perMessageDeflate: false });
    ws.on("error", () => {});
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      ws.once("open", () => resolve());
      ws.once("close", () => resolve());
    });
    if (ws.readyState !== WebSocket.OPEN) return closed;
    if (hello) {
      const welcomed = new Promise((resolve) => ws.once("message", resolve));
      ws.send(helloFrame);
      await Promise.race([welcomed, closed]);
    }
    if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    return closed;
  };
  const codes = new Map<number, number>();
  const started = Date.now();
  for (let i = 0; i < frames.length; i += 50) {
    for (const code of await Promise.all(frames.slice(i, i + 50).map(send))) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  console.log(`  ${FRAMES} fuzz frames in ${Date.now() - started} ms; close codes: ${JSON.stringify(Object.fromEntries(codes))}`);
  for (const code of [1002, 1003, 1007, 1009, 4003]) assert.ok((codes.get(code) ?? 0) > 0, `some connections closed with ${code}`);
  // The head still serves: this driver's view, a named-actor lookup, a fresh status.
  const status = JSON.parse((await cluster.run(["status", "--json", "--address", head.url, "--token", TOKEN])).stdout) as StatusJson;
  assert.equal(status.nodes.filter((n) => n.alive).map((n) => [n.nodeId, n.alive]), [
    [head.nodeId, true],
    [worker.nodeId, true],
    [ray.getRuntimeContext().nodeId, true],
  ]);
  assert.is(JSON.stringify(ray.nodes()), before);
  const keeper = await ray.getActor<InstanceType<typeof Keeper>>("keeper");
  assert.is(await ray.get(keeper.ping.remote()), "pong");
  const log = cluster.log(head);
  assert.match(log, /malformed msgpack/);
  assert.match(log, /size limit/);
  assert.match(log, /unknown message kind/);
  assert.match(log, /registerNode argument 0/);
});

t("a node killed with SIGKILL, or silent, is marked dead within the configured bound", async () => {
  // A second cluster with a short bound: heartbeats every 100 ms, dead after 500 ms of silence.
  const quick = new TestCluster();
  try {
    const h = await quick.start(["--head", "--port", "0", "--num-cpus", "0", "--heartbeat-ms", "100", "--dead-after-ms", "500"]);
    const killed = await quick.start(["--address", h.url, "--num-cpus", "1", "--heartbeat-ms", "100"]);
    const stopped = await quick.start(["--address", h.url, "--num-cpus", "1", "--heartbeat-ms", "100"]);
    const watcher = await connectClusterState(h.url, { kind: "driver" });
    const alive = (id: string | undefined) => watcher.cache.allNodes().find((n) => n.nodeId === id)?.alive;
    await until(() => alive(killed.nodeId) === true && alive(stopped.nodeId) === true, "both nodes alive");
    let from = Date.now();
    process.kill(killed.pid, "SIGKILL");
    await until(() => alive(killed.nodeId) === false, "the killed node marked dead", 5_000, 5);
    const killedMs = Date.now() - from;
    from = Date.now();
    process.kill(stopped.pid, "SIGSTOP"); // frozen: its socket stays open, only its heartbeats stop
    await until(() => alive(stopped.nodeId) === false, "the frozen node marked dead", 5_000, 5);
    const silentMs = Date.now() - from;
    process.kill(stopped.pid, "SIGKILL");
    console.log(`  dead-node detection: SIGKILL ${killedMs} ms (the socket closes), SIGSTOP ${silentMs} ms (bound: 500 ms silence + 50 ms check)`);
    assert.ok(killedMs < 2_000, `SIGKILL took ${killedMs} ms`);
    assert.ok(silentMs >= 200 && silentMs < 2_000, `SIGSTOP took ${silentMs} ms`);
    const status = JSON.parse((await quick.run(["status", "--json", "--address", h.url])).stdout) as StatusJson;
    assert.equal(status.nodes.map((n) => n.alive), [false, false]);
    watcher.close(new Error("done"));
  } finally {
    await quick.cleanup();
  }
});

t("a worker node whose head dies stops by itself and leaves no record", async () => {
  const lone = new TestCluster();
  try {
    const h = await lone.start(["--head", "--port", "0", "--num-cpus", "0"]);
    const w = await lone.start(["--address", h.url, "--num-cpus", "1"]);
    process.kill(h.pid, "SIGKILL");
    await until(() => !lone.nodes().some((n) => n.pid === w.pid), "the worker node to stop and remove its record");
    assert.match(lone.log(w), /the head is gone/);
    assert.match(lone.log(w), /stopped/);
  } finally {
    await lone.cleanup();
  }
});

t("a node bound to a non-loopback address without a token refuses to start (exit 2)", async () => {
  const r = await cluster.run(["start", "--head", "--host", "0.0.0.0", "--port", "0"]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
});

t("bad flags get a clear message and exit code 2; tsray --help lists the commands", async () => {
  for (const [args, message] of [
    [["start", "--head", "--port", "abc"], /--port must be a whole number/],
    [["start", "--head", "--resources", "{nope"], /--resources must be a JSON object/],
    [["start"], /either --head .* or --address/],
    [["start", "--address", "localhost:6380"], /--address must look like ws:\/\//],
    [["start", "--head", "--bogus"], /unknown option '--bogus'/],
  ] as const) {
    const r = await cluster.run(args);
    assert.is(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const help = await cluster.run(["--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /start .*\n.*status .*\n.*stop/s);
});

t("tsray start --block serves in the foreground and stops cleanly on SIGTERM", async () => {
  const solo = new TestCluster();
  try {
    const node = await solo.startBlocking(["--head", "--port", "0", "--num-cpus", "0"]);
    assert.is(solo.nodes().length, 1, "recorded while it serves");
    node.child.kill("SIGTERM");
    assert.is(await node.exited, 0);
    assert.match(node.stderr(), /SIGTERM: stopping[\s\S]*stopped/);
    assert.is(solo.nodes().length, 0, "its record is gone");
  } finally {
    await solo.cleanup();
  }
});

t("a cluster over wss://: the head serves TLS, a worker node and tsray status trust its certificate", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsray-tls-"));
  const tls = new TestCluster();
  try {
    const files = selfSignedCert(dir);
    if (files === undefined) {
      console.log("  skipped: openssl could not make a certificate");
      return;
    }
    const cert = files.cert;
    const h = await tls.start(["--head", "--port", "0", "--num-cpus", "0", "--tls-cert", cert, "--tls-key", files.key]);
    assert.match(h.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    const w = await tls.start(["--address", h.url, "--num-cpus", "1", "--ca", cert]);
    const status = await tls.run(["status", "--address", h.url, "--ca", cert, "--json"]);
    assert.is(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as StatusJson).nodes.map((n) => [n.nodeId, n.alive]), [[w.nodeId, true]]);
    const untrusting = await tls.run(["status", "--address", h.url]);
    assert.is(untrusting.code, 1, "without the certificate, TLS refuses the head");
  } finally {
    await tls.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

t("a driver that joins with numCpus: 0 registers no node of its own", async () => {
  await ray.shutdown();
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0 });
  const mine = ray.getRuntimeContext().nodeId;
  assert.not.ok(ray.nodes().some((n) => n.nodeId === mine));
  assert.ok(ray.nodes().some((n) => n.nodeId === worker.nodeId && n.alive));
  await ray.shutdown();
});

t.run();
