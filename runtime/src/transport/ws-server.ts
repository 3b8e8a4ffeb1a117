/**
 * The listening side of cluster connections: a WebSocket server (optionally TLS: `wss://`) that
 * runs the handshake of protocol/handshake.ts on each new socket and hands the caller only the
 * connections it accepted, as open `WsConnection`s.
 *
 * The handshake: the first frame must be a `hello` within the handshake timeout; its protocol
 * version must be this one's (else closed with PROTOCOL_VERSION_MISMATCH), then its token must
 * match the cluster's (else AUTHENTICATION_FAILED). Tokens are compared in constant time, as
 * SHA-256 digests so that neither the comparison's time nor its length check tells anything of the
 * token. Every refusal is logged with the peer's address and closes that socket only.
 *
 * Until its hello is accepted a peer is a stranger: it may send at most `MAX_HELLO_BYTES` on the
 * socket (a hello is a few hundred bytes; clients send nothing else before the welcome), else the
 * socket is dropped. So a peer without the token cannot make the server buffer a frame of the
 * full `maxFrameBytes` (64 MiB), which only authenticated peers may send.
 *
 * Security rule: a server bound to anything but a loopback address refuses to start without a
 * token (`InvalidArgumentError`), so a cluster is never open to its network by accident.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { InvalidArgumentError } from "../common/errors.js";
import { ClusterCloseCode, PROTOCOL_VERSION, readHello, type PeerKind, type WelcomeFrame } from "../protocol/handshake.js";
import { frameCodec } from "./ws-frame-codec.js";
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  WsConnection,
  logToStderr,
  type MessageCheck,
} from "./ws-connection.js";

export interface WsServerOptions {
  readonly host: string;
  /** 0: any free port (read `port` after `listen`). */
  readonly port: number;
  /** The cluster token every client must present; absent or "": none (loopback only). */
  readonly token?: string | undefined;
  readonly check: MessageCheck;
  /** Another check for the connections of one peer kind (the head serves owners the node protocol). */
  readonly checkFor?: Partial<Record<PeerKind, MessageCheck>> | undefined;
  readonly maxFrameBytes?: number | undefined;
  /** Serve `wss://` with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly handshakeTimeoutMs?: number | undefined;
  readonly log?: ((line: string) => void) | undefined;
  /** The version this server speaks; only tests set it. */
  readonly protocolVersion?: number | undefined;
}

/** What a peer may send before its hello is accepted (see the header). */
export const MAX_HELLO_BYTES = 64 * 1024;

export interface AcceptedPeer {
  readonly kind: PeerKind;
  /** `host:port` of the peer's socket. */
  readonly remoteAddress: string;
}

/** True for the addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::ffff:127.0.0.1";
}

export class WsServer<Out, In> {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WsConnection<Out, In>>();
  private readonly expectedToken: Buffer | undefined;
  private readonly log: (line: string) => void;
  private readonly version: number;

  private constructor(
    private readonly http: HttpServer,
    private readonly options: WsServerOptions,
    private readonly onConnection: (connection: WsConnection<Out, In>, peer: AcceptedPeer) => void,
  ) {
    this.log = options.log ?? logToStderr;
    this.version = options.protocolVersion ?? PROTOCOL_VERSION;
    this.expectedToken = options.token === undefined || options.token === "" ? undefined : digest(options.token);
    this.wss = new WebSocketServer({
      server: http,
      perMessageDeflate: false,
      maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
    this.wss.on("connection", (ws, request) => {
      const remote = `${request.socket.remoteAddress ?? "?"}:${request.socket.remotePort ?? "?"}`;
      this.handshake(ws, remote, request.socket);
    });
    // Errors of the listening socket after it listens (rare): logged, the server keeps what it has.
    this.wss.on("error", (e) => this.log(`cluster server error: ${e.message}`));
  }

  /** Starts listening; rejects when the address is taken or a non-loopback host has no token. */
  static async listen<Out, In>(
    options: WsServerOptions,
    onConnection: (connection: WsConnection<Out, In>, peer: AcceptedPeer) => void,
  ): Promise<WsServer<Out, In>> {
    if (!isLoopbackHost(options.host) && (options.token === undefined || options.token === "")) {
      throw new InvalidArgumentError(
        `Refusing to listen on ${options.host} without a token: anyone who can reach that address could run code on this machine. ` +
          "Give a token (--token T or TSRAY_TOKEN), or bind 127.0.0.1.",
      );
    }
    const http = options.tls === undefined ? createHttpServer() : createHttpsServer({ cert: options.tls.cert, key: options.tls.key });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port, options.host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    return new WsServer<Out, In>(http, options, onConnection);
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** `ws://host:port` (or `wss://`), as clients should dial it. */
  get url(): string {
    const host = this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host;
    return `${this.options.tls === undefined ? "ws" : "wss"}://${host}:${this.port}`;
  }

  /** The accepted connections that are not closed. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Closes every connection (1001, going away) and stops listening. */
  async close(): Promise<void> {
    for (const c of this.connections) c.close(1001, "the server is shutting down");
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private handshake(ws: WebSocket, remote: string, socket: Socket): void {
    const codec = frameCodec();
    const refuse = (code: number, reason: string, detail: string) => {
      this.log(`refused a connection from ${remote}: ${detail}`);
      ws.close(code, reason);
      setTimeout(() => ws.terminate(), 1_000).unref();
    };
    // Counts raw bytes beside ws's own reader (both listen to 'data'), so an oversized first frame is
    // cut off while it arrives, not once ws has buffered all of it.
    let received = 0;
    const countStrangerBytes = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= MAX_HELLO_BYTES) return;
      socket.off("data", countStrangerBytes);
      this.log(`refused a connection from ${remote}: more than ${MAX_HELLO_BYTES} bytes before its hello was accepted`);
      ws.terminate();
    };
    socket.on("data", countStrangerBytes);
    ws.once("close", () => socket.off("data", countStrangerBytes));
    const timer = setTimeout(
      () => refuse(ClusterCloseCode.HANDSHAKE_FAILED, "no hello in time", "no hello within the handshake timeout"),
      this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    );
    timer.unref();
    ws.on("error", (e) => this.log(`connection from ${remote} failed during the handshake: ${e.message}`));
    ws.once("close", () => clearTimeout(timer));
    ws.once("message", (data, isBinary) => {
      clearTimeout(timer);
      socket.off("data", countStrangerBytes);
      let hello: ReturnType<typeof readHello>;
      try {
        hello = isBinary ? readHello(codec.decode(data as Buffer)) : "a text frame";
      } catch (e) {
        hello = `malformed msgpack (${e instanceof Error ? e.message : String(e)})`;
      }
      if (typeof hello === "string") return refuse(ClusterCloseCode.HANDSHAKE_FAILED, "bad hello", hello);
      if (hello.version !== this.version) {
        return refuse(
          ClusterCloseCode.PROTOCOL_VERSION_MISMATCH,
          `protocol version mismatch: the server speaks ${this.version}`,
          `a ${hello.kind} speaking protocol version ${hello.version} (this server speaks ${this.version})`,
        );
      }
      if (this.expectedToken !== undefined && !timingSafeEqual(this.expectedToken, digest(hello.token))) {
        return refuse(
          ClusterCloseCode.AUTHENTICATION_FAILED,
          hello.token === "" ? "a token is required" : "wrong token",
          `a ${hello.kind} with ${hello.token === "" ? "no token" : "a wrong token"}`,
        );
      }
      ws.removeAllListeners("error");
      const connection = new WsConnection<Out, In>(ws, { check: this.options.checkFor?.[hello.kind] ?? this.options.check, peerName: `${hello.kind} peer ${remote}`, log: this.log }, undefined);
      this.connections.add(connection);
      const welcome: WelcomeFrame = { tsray: "welcome", version: this.version };
      ws.send(codec.encode(welcome, "the handshake"));
      ws.once("close", () => this.connections.delete(connection));
      this.onConnection(connection, { kind: hello.kind, remoteAddress: remote });
    });
  }
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}
