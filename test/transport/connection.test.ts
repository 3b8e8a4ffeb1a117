// The three Connection transports (runtime/src/transport/) keep the contract of
// protocol/connection.ts: order, one close event per end with the code and reason whoever closed,
// a clear error for a send after close, and an abnormal close when the peer dies. Each runs the
// same far end (test/fixtures/transport/peer-behaviour.mjs) in a thread, a child process, or here.
import { fork } from "node:child_process";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CloseEvent, Connection } from "../../runtime/dist/protocol/connection.js";
import type * as ThreadModule from "../../runtime/dist/transport/thread-port-connection.js";
import type * as ChildModule from "../../runtime/dist/transport/child-process-connection.js";
import type * as MemoryModule from "../../runtime/dist/transport/in-memory-connection.js";
import type * as ErrorsModule from "../../runtime/dist/common/errors.js";
import type * as WsModule from "../../runtime/dist/transport/ws-connection.js";
import type * as WsServerModule from "../../runtime/dist/transport/ws-server.js";
import type { WsConnection } from "../../runtime/dist/transport/ws-connection.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { ThreadConnection } = (await dist("transport/thread-port-connection.js")) as typeof ThreadModule;
const { ChildProcessConnection } = (await dist("transport/child-process-connection.js")) as typeof ChildModule;
const { connectInMemory } = (await dist("transport/in-memory-connection.js")) as typeof MemoryModule;
const { ConnectionClosedError } = (await dist("common/errors.js")) as typeof ErrorsModule;
const { connectWs } = (await dist("transport/ws-connection.js")) as typeof WsModule;
const { WsServer } = (await dist("transport/ws-server.js")) as typeof WsServerModule;
const fixture = (name: string) => new URL(`../../fixtures/transport/${name}`, import.meta.url);
const { servePeer } = (await import(fixture("peer-behaviour.mjs").href)) as {
  servePeer(conn: Connection<unknown, unknown>, report: (s: PeerReport) => void, die: () => void): void;
};

type Request =
  | { op: "echo"; n: number }
  | { op: "burst"; count: number }
  | { op: "close"; code: number; reason: string }
  | { op: "die" }
  | { op: "throw" };
type Reply = { echo: number } | { n: number };
/** What the far end saw when its connection closed. */
interface PeerReport {
  code: number;
  reason: string;
  state: string;
  closes: number;
  sendError: string | undefined;
}

/** This end, with every close event it got, and a way to end the far end as a crash would. */
interface Opened {
  conn: Connection<Request, Reply>;
  received: Reply[];
  closes: CloseEvent[];
  closed: Promise<CloseEvent>;
  peerReport: Promise<PeerReport>;
  kill(): void;
  /** Settles when the far end (thread, process) is gone for good. */
  gone: Promise<unknown>;
}

function watch(conn: Connection<Request, Reply>, peerReport: Promise<PeerReport>, kill: () => void, gone: Promise<unknown>): Opened {
  const received: Reply[] = [];
  const closes: CloseEvent[] = [];
  conn.onMessage = (m) => received.push(m);
  const closed = new Promise<CloseEvent>((resolve) => {
    conn.onClose = (e) => {
      closes.push(e);
      resolve(e);
    };
  });
  return { conn, received, closes, closed, peerReport, kill, gone };
}

/** The far end's report: the first line it writes on its stdout (a thread's or a process's), as JSON. */
function reportFrom(stdout: NodeJS.ReadableStream): Promise<PeerReport> {
  let out = "";
  return new Promise<PeerReport>((resolve) => {
    stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(JSON.parse(out.slice(0, out.indexOf("\n"))) as PeerReport);
    });
  });
}

/** The far end of the ws transport: each accepted connection is served by `servePeer`, here in this process. */
const wsPeers: Array<(conn: WsConnection<Reply, Request>) => void> = [];
const wsServer = await WsServer.listen<Reply, Request>({ host: "127.0.0.1", port: 0, check: () => undefined }, (conn) => wsPeers.shift()!(conn));

const transports: Record<string, () => Opened> = {
  "ws (loopback socket)": () => {
    let report!: (s: PeerReport) => void;
    const peerReport = new Promise<PeerReport>((resolve) => (report = resolve));
    let far: WsConnection<Reply, Request> | undefined;
    wsPeers.push((conn) => {
      far = conn;
      servePeer(conn as Connection<unknown, unknown>, report, () => conn.terminate("the test killed the peer"));
    });
    const here = connectWs<Request, Reply>(wsServer.url, { kind: "cli", check: () => undefined });
    return watch(here, peerReport, () => far?.terminate("the test killed the peer"), Promise.resolve());
  },
  "thread port": () => {
    const worker = new Worker(fixture("connection-peer.mjs"), { stdout: true });
    const peerReport = reportFrom(worker.stdout);
    const gone = new Promise((resolve) => worker.once("exit", resolve));
    return watch(new ThreadConnection<Request, Reply>(worker), peerReport, () => void worker.terminate(), gone);
  },
  "child process": () => {
    const child = fork(fileURLToPath(fixture("connection-peer.mjs")), [], { serialization: "advanced", stdio: ["ignore", "pipe", "inherit", "ipc"] });
    const peerReport = reportFrom(child.stdout!);
    const gone = new Promise((resolve) => child.once("close", resolve));
    return watch(new ChildProcessConnection<Request, Reply>(child), peerReport, () => void child.kill("SIGKILL"), gone);
  },
  "in-memory pair": () => {
    const [here, there] = connectInMemory<Request, Reply>("the test", "the in-memory peer");
    let report!: (s: PeerReport) => void;
    const peerReport = new Promise<PeerReport>((resolve) => (report = resolve));
    const kill = () => here.destroy(new Error("the peer died"));
    servePeer(there as Connection<unknown, unknown>, report, kill);
    return watch(here, peerReport, kill, Promise.resolve());
  },
};

/** Waits until `received` holds `count` messages (a message is awaited, never a fixed time). */
async function receive(opened: Opened, count: number): Promise<Reply[]> {
  while (opened.received.length < count) {
    await new Promise<void>((resolve) => {
      const previous = opened.conn.onMessage!;
      opened.conn.onMessage = (m) => {
        previous(m);
        opened.conn.onMessage = previous;
        resolve();
      };
    });
  }
  return opened.received;
}

for (const [name, open] of Object.entries(transports)) {
  const t = suite(name);

  t("delivers messages in the order they were sent, both ways", async () => {
    const opened = open();
    for (let n = 0; n < 100; n++) opened.conn.send({ op: "echo", n });
    opened.conn.send({ op: "burst", count: 1000 });
    const got = await receive(opened, 1100);
    assert.equal(got.slice(0, 100), Array.from({ length: 100 }, (_, n) => ({ echo: n })));
    assert.equal(got.slice(100), Array.from({ length: 1000 }, (_, n) => ({ n })));
    opened.conn.close();
    await opened.closed;
    await opened.gone;
  });

  t("a close from this end reaches both ends once, with its code and reason", async () => {
    const opened = open();
    opened.conn.send({ op: "echo", n: 1 });
    await receive(opened, 1);
    opened.conn.close(4000, "the test is done");
    assert.is(opened.conn.state, "closing");
    const here = await opened.closed;
    assert.equal([here.code, here.reason, here.error], [4000, "the test is done", undefined]);
    const there = await opened.peerReport;
    assert.equal([there.code, there.reason, there.state, there.closes], [4000, "the test is done", "closed", 1]);
    opened.kill();
    await opened.gone;
    assert.is(opened.closes.length, 1);
  });

  t("a close from the far end reaches both ends once, with its code and reason", async () => {
    const opened = open();
    opened.conn.send({ op: "close", code: 4001, reason: "the peer is done" });
    const here = await opened.closed;
    assert.equal([here.code, here.reason, opened.conn.state], [4001, "the peer is done", "closed"]);
    const there = await opened.peerReport;
    assert.equal([there.code, there.reason, there.closes], [4001, "the peer is done", 1]);
    await opened.gone;
    assert.is(opened.closes.length, 1);
  });

  t("a send after the close throws ConnectionClosedError on either end", async () => {
    const opened = open();
    opened.conn.close();
    assert.throws(() => opened.conn.send({ op: "echo", n: 2 }), (e: unknown) => e instanceof ConnectionClosedError && e.code === "TSRAY_CONNECTION_CLOSED" && /connection\.state/.test(e.message));
    await opened.closed;
    assert.throws(() => opened.conn.send({ op: "echo", n: 3 }), (e: unknown) => e instanceof ConnectionClosedError);
    assert.is((await opened.peerReport).sendError, "TSRAY_CONNECTION_CLOSED");
    await opened.gone;
  });

  t("a far end that dies closes this end abnormally, with an error", async () => {
    const opened = open();
    opened.conn.send({ op: "echo", n: 1 });
    await receive(opened, 1);
    opened.kill();
    const here = await opened.closed;
    assert.is(here.code, 1006);
    assert.ok(here.error instanceof ConnectionClosedError, "the close carries a ConnectionClosedError");
    assert.is(opened.conn.state, "closed");
    await opened.gone;
    assert.is(opened.closes.length, 1);
  });

  t.run();
}

const crash = suite("crashes");
crash("a thread that dies of an uncaught throw closes with its exit code and the throw as the error's cause", async () => {
  const opened = transports["thread port"]!();
  opened.conn.send({ op: "throw" });
  const here = await opened.closed;
  assert.equal([here.code, here.exitCode], [1006, 1]);
  assert.is((here.error?.cause as Error | undefined)?.message, "the peer threw");
});
crash("a child process that exits closes with its exit code once its output is read", async () => {
  const opened = transports["child process"]!();
  opened.conn.send({ op: "die" });
  const here = await opened.closed;
  assert.equal([here.code, here.exitCode, here.signal], [1006, 3, undefined]);
});
crash.run();

const done = suite("ws server");
done("closes", async () => {
  await wsServer.close();
});
done.run();
