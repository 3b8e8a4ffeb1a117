// The ws transport's own behaviour beyond the Connection contract (test/transport/connection.test.ts
// runs that on it too): the handshake (token, protocol version), bad input closing only the
// connection that sent it, the loopback-or-token rule, frames and compression, backpressure, TLS.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import type * as WsModule from "../../runtime/dist/transport/ws-connection.js";
import type * as WsServerModule from "../../runtime/dist/transport/ws-server.js";
import type * as FrameCodecModule from "../../runtime/dist/transport/ws-frame-codec.js";
import type * as ErrorsModule from "../../runtime/dist/common/errors.js";
import type { WsConnection } from "../../runtime/dist/transport/ws-connection.js";
import type { CloseEvent } from "../../runtime/dist/protocol/connection.js";
import { selfSignedCert } from "./self-signed-cert.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { connectWs, openWs } = (await dist("transport/ws-connection.js")) as typeof WsModule;
const { WsServer } = (await dist("transport/ws-server.js")) as typeof WsServerModule;
const { frameCodec } = (await dist("transport/ws-frame-codec.js")) as typeof FrameCodecModule;
/** Frames as a tsray peer encodes them (plain objects travel as msgpackr records). */
const codec = frameCodec();
const pack = (m: unknown) => codec.encode(m, "a test frame");
const { AuthenticationError, ProtocolVersionError, ConnectionClosedError, InvalidArgumentError } = (await dist("common/errors.js")) as typeof ErrorsModule;

type Msg = { n: number };
const check = (m: unknown) => (typeof m === "object" && m !== null && typeof (m as Msg).n === "number" ? undefined : "a message must be { n: number }");

/** An echo server (n → n + 1) that records what it logged and every close its connections saw. */
async function echoServer(options: Partial<WsServerModule.WsServerOptions> = {}) {
  const log: string[] = [];
  const closes: CloseEvent[] = [];
  const server = await WsServer.listen<Msg, Msg>({ host: "127.0.0.1", port: 0, check, log: (l) => log.push(l), ...options }, (conn) => {
    conn.onMessage = (m) => conn.send({ n: m.n + 1 });
    conn.onClose = (e) => closes.push(e);
  });
  return { server, log, closes };
}

function closeOf(conn: WsConnection<Msg, Msg>): Promise<CloseEvent> {
  return new Promise((resolve) => {
    conn.onMessage ??= () => {};
    conn.onClose = resolve;
  });
}

async function echo(conn: WsConnection<Msg, Msg>, n: number): Promise<number> {
  return new Promise((resolve) => {
    conn.onMessage = (m) => resolve(m.n);
    conn.send({ n });
  });
}

/** A raw ws client that says hello as a tsray peer would, then sends `frames` as they are. */
async function rawPeer(url: string, token: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on("error", () => {});
  await new Promise((resolve) => ws.once("open", resolve));
  const welcomed = new Promise((resolve) => ws.once("message", resolve));
  ws.send(pack({ tsray: "hello", version: 1, token, kind: "cli" }));
  await welcomed;
  return { ws, closed };
}

const t = suite("ws connection");

t("is connecting until the server welcomes it, then open; what was sent meanwhile arrives in order", async () => {
  const { server } = await echoServer();
  const conn = connectWs<Msg, Msg>(server.url, { kind: "driver", check });
  assert.is(conn.state, "connecting");
  const got: number[] = [];
  const all = new Promise<void>((resolve) => (conn.onMessage = (m) => (got.push(m.n), got.length === 3 && resolve())));
  for (const n of [1, 2, 3]) conn.send({ n });
  assert.is(conn.bufferedAmount, 3);
  await conn.opened;
  assert.is(conn.state, "open");
  await all;
  assert.equal(got, [2, 3, 4]);
  assert.is(conn.bufferedAmount, 0);
  conn.close();
  await server.close();
});

t("bufferedAmount counts the messages the socket has not taken yet, and drains to 0", async () => {
  const { server } = await echoServer({ maxFrameBytes: 1 << 20 });
  const conn = await openWs<Msg & { pad?: Uint8Array }, Msg>(server.url, { kind: "driver", check, maxFrameBytes: 1 << 20 });
  let echoes = 0;
  const all = new Promise<void>((resolve) => (conn.onMessage = () => ++echoes === 100 && resolve()));
  for (let n = 0; n < 100; n++) conn.send({ n, pad: new Uint8Array(256 * 1024) });
  const behind = conn.bufferedAmount;
  assert.ok(behind > 0 && behind <= 100, `${behind} messages behind right after 25 MiB of sends`);
  await all;
  assert.is(conn.bufferedAmount, 0);
  conn.close();
  await server.close();
});

t("a wrong token is refused: the client gets AuthenticationError, the server logs it, others keep working", async () => {
  const { server, log } = await echoServer({ token: "right" });
  const good = await openWs<Msg, Msg>(server.url, { kind: "node", token: "right", check });
  const bad = connectWs<Msg, Msg>(server.url, { kind: "driver", token: "wrong", check });
  const error = await bad.opened.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AuthenticationError, `got ${String(error)}`);
  assert.is((error as InstanceType<typeof AuthenticationError>).code, "TSRAY_AUTHENTICATION");
  assert.match((error as Error).message, /TSRAY_TOKEN/);
  const missing = await connectWs<Msg, Msg>(server.url, { kind: "cli", check }).opened.then(() => undefined, (e: unknown) => e);
  assert.ok(missing instanceof AuthenticationError);
  assert.ok(log.some((l) => /a driver with a wrong token/.test(l)), log.join("\n"));
  assert.ok(log.some((l) => /a cli with no token/.test(l)), log.join("\n"));
  assert.is(await echo(good, 41), 42);
  good.close();
  await server.close();
});

t("a wrong protocol version is refused on both sides with ProtocolVersionError", async () => {
  const { server, log } = await echoServer();
  const client = await connectWs<Msg, Msg>(server.url, { kind: "node", check, protocolVersion: 99 }).opened.then(() => undefined, (e: unknown) => e);
  assert.ok(client instanceof ProtocolVersionError, `got ${String(client)}`);
  assert.equal([(client as InstanceType<typeof ProtocolVersionError>).localVersion, (client as InstanceType<typeof ProtocolVersionError>).remoteVersion], [99, 1]);
  assert.ok(log.some((l) => /protocol version 99/.test(l)), log.join("\n"));
  // A server of another version: the client refuses its welcome too.
  const { server: newer } = await echoServer({ protocolVersion: 7 });
  const other = await connectWs<Msg, Msg>(newer.url, { kind: "node", check, protocolVersion: 7, log: () => {} }).opened.then(() => "open", (e: unknown) => e);
  assert.is(other, "open", "same versions agree");
  const older = await connectWs<Msg, Msg>(newer.url, { kind: "node", check }).opened.then(() => undefined, (e: unknown) => e);
  assert.ok(older instanceof ProtocolVersionError);
  await server.close();
  await newer.close();
});

t("malformed msgpack, a text frame, an unknown message and an oversized frame each close only their connection, with a logged reason", async () => {
  const { server, log } = await echoServer({ maxFrameBytes: 1024 });
  const good = await openWs<Msg, Msg>(server.url, { kind: "driver", check });
  const cases: Array<[string, (ws: WebSocket) => void, number, RegExp]> = [
    ["malformed msgpack", (ws) => ws.send(Buffer.from([0xc1, 0xc1, 0xc1])), 1007, /malformed msgpack/],
    ["a text frame", (ws) => ws.send("hello"), 1003, /text frame/],
    ["an unknown message", (ws) => ws.send(pack({ what: "ever" })), 1002, /must be \{ n: number \}/],
    ["an oversized frame", (ws) => ws.send(Buffer.alloc(4096)), 1009, /size limit/],
  ];
  for (const [name, sendBad, code, logged] of cases) {
    const peer = await rawPeer(server.url, "");
    sendBad(peer.ws);
    const closed = await peer.closed;
    assert.is(closed.code, code, name);
    assert.ok(log.some((l) => logged.test(l)), `${name}: ${log.join("\n")}`);
  }
  assert.is(await echo(good, 1), 2);
  good.close();
  await server.close();
});

t("a peer that has not said hello cannot send a large frame: its socket is dropped early, authenticated peers still may", async () => {
  const { server, log } = await echoServer({ token: "secret", maxFrameBytes: 8 * 1024 * 1024 });
  const stranger = new WebSocket(server.url, { perMessageDeflate: false });
  stranger.on("error", () => {});
  const closed = new Promise<number>((resolve) => stranger.on("close", (code) => resolve(code)));
  await new Promise((resolve) => stranger.once("open", resolve));
  stranger.send(Buffer.alloc(4 * 1024 * 1024)); // under the frame limit, far over what a hello needs
  assert.is(await closed, 1006, "dropped without a closing handshake");
  assert.ok(log.some((l) => /more than 65536 bytes before its hello/.test(l)), log.join("\n"));
  const friend = await openWs<{ n: number; pad?: Uint8Array }, Msg>(server.url, { kind: "driver", token: "secret", check });
  const answered = new Promise<number>((resolve) => (friend.onMessage = (m) => resolve(m.n)));
  friend.send({ n: 41, pad: new Uint8Array(4 * 1024 * 1024) });
  assert.is(await answered, 42, "a large frame after the hello is served");
  friend.close();
  await server.close();
});

t("a server bound to a non-loopback address refuses to start without a token", async () => {
  const error = await WsServer.listen({ host: "0.0.0.0", port: 0, check }, () => {}).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof InvalidArgumentError, `got ${String(error)}`);
  assert.match((error as Error).message, /without a token/);
  const withToken = await WsServer.listen({ host: "0.0.0.0", port: 0, check, token: "t" }, () => {});
  await withToken.close();
});

t("an unreachable address rejects with ConnectionClosedError naming it", async () => {
  const { server } = await echoServer();
  const url = server.url;
  await server.close();
  const error = await connectWs<Msg, Msg>(url, { kind: "cli", check }).opened.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ConnectionClosedError);
  assert.match((error as Error).message, new RegExp(url.replace(/[/.]/g, "\\$&")));
});

t("compression is never negotiated, even with a client that offers it", async () => {
  const { server } = await echoServer();
  const ws = new WebSocket(server.url); // ws offers permessage-deflate by default
  await new Promise((resolve) => ws.once("open", resolve));
  assert.is(ws.extensions, "");
  ws.terminate();
  await server.close();
});

t("a close code and reason reach the other end; a dropped socket closes with 1006 and an error", async () => {
  const { server, closes } = await echoServer();
  const conn = await openWs<Msg, Msg>(server.url, { kind: "cli", check });
  const here = closeOf(conn);
  conn.close(4321, "done here");
  assert.equal([(await here).code, (await here).reason], [4321, "done here"]);
  while (closes.length < 1) await new Promise((r) => setImmediate(r));
  assert.equal([closes[0]!.code, closes[0]!.reason], [4321, "done here"]);
  const dropped = await openWs<Msg, Msg>(server.url, { kind: "cli", check });
  const gone = closeOf(dropped);
  await server.close(); // terminates the server's sockets
  const event = await gone;
  assert.ok(event.code === 1006 || event.code === 1001, `code ${event.code}`);
});

t("wss:// with a certificate: the client that trusts it joins", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsray-tls-"));
  const files = selfSignedCert(dir);
  if (files === undefined) {
    console.log("skipped: openssl could not make a certificate");
    return;
  }
  const cert = readFileSync(files.cert);
  const { server } = await echoServer({ tls: { cert, key: readFileSync(files.key) } });
  assert.match(server.url, /^wss:\/\//);
  const conn = await openWs<Msg, Msg>(server.url, { kind: "node", check, ca: cert });
  assert.is(await echo(conn, 9), 10);
  const untrusting = await connectWs<Msg, Msg>(server.url, { kind: "node", check }).opened.then(() => undefined, (e: unknown) => e);
  assert.ok(untrusting instanceof ConnectionClosedError, "a client without the CA is refused by TLS");
  conn.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

t.run();
