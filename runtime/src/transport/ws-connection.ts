/**
 * A `Connection` over a WebSocket (the `ws` library): how nodes, drivers and the `tsray` command
 * talk to a head or a node across processes and machines. Each message is one binary frame, encoded
 * by the project's codec (ws-frame-codec.ts); compression is off on both ends (`perMessageDeflate`
 * costs 6× the latency of a small message), and masking uses the `bufferutil` addon when installed.
 *
 * Both ends of a connection are this class. The client's end (`connectWs`) is "connecting" until
 * the handshake is done (protocol/handshake.ts: it sends `hello`, the server answers `welcome`);
 * what it is given to send meanwhile is queued and sent, in order, once it is "open". A refusal
 * closes it with the server's code, and its close event's `error` (and `opened`'s rejection) is the
 * typed error: `AuthenticationError`, `ProtocolVersionError`, or `ConnectionClosedError` for a head
 * that cannot be reached. The server's end is made open by `WsServer` once it has accepted the hello.
 *
 * Bad input from the peer — a text frame, bytes that are not msgpack, a message the protocol's
 * `check` rejects (unknown kind, ill-typed fields), a frame over `maxFrameBytes` (ws itself refuses
 * it while reading) — closes this connection only, with a WebSocket close code saying which
 * (`ClusterCloseCode`), and the reason is logged; nothing of it reaches `onMessage`.
 *
 * Contract of protocol/connection.ts: in-order, exactly-once delivery until the close; `onMessage`
 * runs in ws's 'message' event, never inside the peer's `send`; one `onClose` per end; what the peer
 * sends before `onMessage` is set waits (here in a small inbox), and so does its close.
 * `bufferedAmount` counts messages not yet written to the socket (queued while connecting, or
 * handed to ws and not yet flushed), as the other transports count messages, not bytes; it is
 * worked out from ws's byte count when asked, so a send costs no callback.
 */
import WebSocket from "ws";
import { AuthenticationError, ConnectionClosedError, ProtocolVersionError } from "../common/errors.js";
import { CloseCode, type CloseEvent, type Connection, type ConnectionState } from "../protocol/connection.js";
import { ClusterCloseCode, PROTOCOL_VERSION, readWelcome, type HelloFrame, type PeerKind } from "../protocol/handshake.js";
import { frameCodec } from "./ws-frame-codec.js";

/** Why `message` is not a message of the connection's protocol (undefined when it is one): the boundary's validation. */
export type MessageCheck = (message: unknown) => string | undefined;

/** The default size limit of one frame (ws's `maxPayload`); larger values will travel in chunks. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** How long a client waits for the server's welcome, and a server for the client's hello. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** A peer that does not answer a close frame is cut off after this. */
const CLOSE_GRACE_MS = 1_000;
/** A WebSocket close reason holds at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

export interface WsConnectionOptions {
  readonly check: MessageCheck;
  /** Named in errors and logs: "the head at ws://…", "node peer 10.0.0.2:51234". */
  readonly peerName: string;
  /** Where the reason for closing on bad input goes (a node's log). */
  readonly log: (line: string) => void;
}

export class WsConnection<Out, In> implements Connection<Out, In> {
  state: ConnectionState;
  onClose: ((event: CloseEvent) => void) | undefined = undefined;
  /** Settles when the connection is open (at once on a server's end); rejects with the typed error if it closes first. */
  readonly opened: Promise<void>;
  private handler: ((message: In) => void) | undefined = undefined;
  private reading = false;
  /** Messages received before `onMessage` was set. */
  private inbox: In[] = [];
  /** A close that came before `onMessage` was set. */
  private pendingClose: CloseEvent | undefined;
  /** Sent while connecting. */
  private queued: Out[] = [];
  /**
   * `bufferedAmount` without a callback per send (which cost ~15% of small-message throughput):
   * the bytes handed to ws so far (frame headers included), and the end offset of each message
   * ws may still hold; ws's own `bufferedAmount` (bytes not yet written to the socket) says how
   * many of those ends are written.
   */
  private sentBytes = 0;
  private ends: number[] = [];
  private endsHead = 0;
  /** A client masks its frames: 4 more header bytes. */
  private readonly maskBytes: number;
  /** Where an encode failure happened, for its message (made once: a string per send would cost). */
  private readonly location: string;
  private readonly codec = frameCodec();
  /** Set on a client's end until the welcome arrives. */
  private hello: HelloFrame | undefined;
  /** What this end closed the connection for (bad input, a refusal): the close event's error. */
  private closeError: Error | undefined;
  /** What the socket reported before closing (ECONNREFUSED, a frame over the limit, …). */
  private socketError: Error | undefined;
  private settleOpened: ((error?: Error) => void) | undefined;
  /** `close` was called while connecting: sent after the queue once the server welcomed us. */
  private closeAfterWelcome: { readonly code: number; readonly reason: string } | undefined;
  private holds = true;

  /** @internal made by `connectWs` and `WsServer` */
  constructor(
    private readonly ws: WebSocket,
    private readonly options: WsConnectionOptions,
    hello: HelloFrame | undefined,
  ) {
    this.hello = hello;
    this.state = hello === undefined ? "open" : "connecting";
    this.maskBytes = hello === undefined ? 0 : 4;
    this.location = `a message to ${options.peerName}`;
    this.opened =
      hello === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => (this.settleOpened = (e) => (e === undefined ? resolve() : reject(e))));
    // Nobody may be awaiting `opened` (a caller that only watches `onClose`).
    this.opened.catch(() => {});
    ws.on("message", (data, isBinary) => this.frame(data, isBinary));
    ws.on("error", (error: Error & { code?: string }) => {
      this.socketError ??= error;
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") this.logRefusal("a frame over the size limit");
    });
    ws.on("close", (code: number, reason: Buffer) => this.closed(code, reason.toString()));
  }

  get onMessage(): ((message: In) => void) | undefined {
    return this.handler;
  }

  set onMessage(handler: ((message: In) => void) | undefined) {
    this.handler = handler;
    if (this.reading) return;
    this.reading = true;
    if (this.inbox.length > 0 || this.pendingClose !== undefined) queueMicrotask(this.drainInbox);
  }

  get bufferedAmount(): number {
    return this.queued.length + this.unwrittenMessages();
  }

  send(message: Out): void {
    if (this.state === "connecting") {
      this.queued.push(message);
      return;
    }
    if (this.state !== "open") {
      throw new ConnectionClosedError(
        `Cannot send to ${this.options.peerName}: the connection is ${this.state}. Check connection.state before sending, or open a new connection.`,
      );
    }
    this.write(message);
  }

  close(code: number = CloseCode.NORMAL, reason = ""): void {
    if (this.state === "closing" || this.state === "closed") return;
    if (this.state === "connecting" && isSendableCloseCode(code)) {
      // What was sent before still arrives: the close follows the queue once the handshake is done.
      this.state = "closing";
      this.closeAfterWelcome = { code, reason };
      return;
    }
    this.state = "closing";
    this.queued = [];
    if (this.ws.readyState === WebSocket.CONNECTING || !isSendableCloseCode(code)) {
      this.ws.terminate();
      return;
    }
    this.ws.close(code, truncateReason(reason));
    // A peer that never echoes the close (a stuck or hostile one) is cut off.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Drops the socket at once, without a closing handshake (a peer that stopped answering): both ends
   * close abnormally (1006), this one with a `ConnectionClosedError` saying `why`.
   */
  terminate(why: string): void {
    if (this.state === "closed") return;
    this.closeError ??= new ConnectionClosedError(`The connection to ${this.options.peerName} was cut off: ${why}.`);
    this.state = "closing";
    this.queued = [];
    this.ws.terminate();
  }

  /**
   * Whether the socket keeps the process alive (default: yes). A driver lets go of its connection
   * to the head while it waits for no reply, so that a program exits once its work is done.
   */
  holdProcess(hold: boolean): void {
    this.holds = hold;
    this.applyHold();
  }

  /** @internal `connectWs`: the socket is open, say hello. */
  sendHello(): void {
    this.applyHold();
    if (this.hello !== undefined && this.ws.readyState === WebSocket.OPEN) this.ws.send(this.codec.encode(this.hello, "the handshake"));
  }

  private applyHold(): void {
    // ws has no public handle on its socket; `_socket` is set once the upgrade is done.
    const socket = (this.ws as unknown as { _socket?: { ref(): void; unref(): void } | null })._socket;
    if (socket) (this.holds ? socket.ref() : socket.unref());
  }

  private write(message: Out): void {
    const data = this.codec.encode(message, this.location);
    this.ws.send(data);
    const n = data.byteLength;
    this.sentBytes += n + (n < 126 ? 2 : n < 65_536 ? 4 : 10) + this.maskBytes;
    if (this.ws.bufferedAmount === 0) {
      // Written to the socket at once, and so is everything before it.
      if (this.ends.length > 0) this.forgetEnds();
      return;
    }
    this.ends.push(this.sentBytes);
  }

  private unwrittenMessages(): number {
    const pending = this.ws.bufferedAmount;
    if (pending === 0) {
      if (this.ends.length > 0) this.forgetEnds();
      return 0;
    }
    const written = this.sentBytes - pending;
    while (this.endsHead < this.ends.length && this.ends[this.endsHead]! <= written) this.endsHead++;
    if (this.endsHead > 1024 && this.endsHead * 2 > this.ends.length) {
      this.ends = this.ends.slice(this.endsHead);
      this.endsHead = 0;
    }
    return this.ends.length - this.endsHead;
  }

  private forgetEnds(): void {
    this.ends = [];
    this.endsHead = 0;
  }

  private frame(data: WebSocket.RawData, isBinary: boolean): void {
    // After closing for bad input, nothing more is read from that peer.
    if (this.state === "closed" || this.closeError !== undefined) return;
    if (!isBinary) return this.refuse(ClusterCloseCode.UNSUPPORTED_DATA, "a text frame (tsray speaks binary msgpack frames)");
    let message: unknown;
    try {
      // Large binaries (an object's chunks, large arguments) as views of the frame, not copies: a
      // frame with any (64 KiB or more) spans several socket reads, so ws hands it over in a buffer
      // of its own that nothing else reads or reuses, and this is its only decode. Saves one copy
      // into fresh memory per byte received (an object pull copies each chunk into place anyway).
      message = this.codec.decode(data as Buffer, { view: true });
    } catch (e) {
      return this.refuse(ClusterCloseCode.INVALID_PAYLOAD, `malformed msgpack (${e instanceof Error ? e.message : String(e)})`);
    }
    if (this.hello !== undefined) return this.welcomed(message);
    const why = this.options.check(message);
    if (why !== undefined) return this.refuse(ClusterCloseCode.PROTOCOL_ERROR, `not a message of the protocol: ${why}`);
    if (this.reading && this.inbox.length === 0) this.handler?.(message as In);
    else this.inbox.push(message as In);
  }

  /** The client's first frame from the server: a welcome opens the connection. */
  private welcomed(message: unknown): void {
    const welcome = readWelcome(message);
    if (typeof welcome === "string") return this.refuse(ClusterCloseCode.HANDSHAKE_FAILED, welcome);
    const ours = this.hello!.version;
    if (welcome.version !== ours) {
      this.closeError = new ProtocolVersionError(
        `${capitalized(this.options.peerName)} speaks protocol version ${welcome.version}, this process ${ours}: run the same tsray release on every node, driver and tsray command.`,
        ours,
        welcome.version,
      );
      this.logRefusal(`protocol version ${welcome.version}, expected ${ours}`);
      this.close(ClusterCloseCode.PROTOCOL_VERSION_MISMATCH, `protocol version mismatch: the client speaks ${ours}`);
      return;
    }
    this.hello = undefined;
    const queued = this.queued;
    this.queued = [];
    for (const m of queued) this.write(m);
    this.settleOpened?.();
    const close = this.closeAfterWelcome;
    if (close === undefined) {
      this.state = "open";
      return;
    }
    this.ws.close(close.code, truncateReason(close.reason));
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Closes this connection for bad input from the peer, and logs why. */
  private refuse(code: number, why: string): void {
    this.closeError = new ConnectionClosedError(`The connection to ${this.options.peerName} was closed: it sent ${why}.`);
    this.logRefusal(why);
    this.close(code, why);
  }

  private logRefusal(why: string): void {
    this.options.log(`closing the connection to ${this.options.peerName}: it sent ${why}`);
  }

  private closed(code: number, reason: string): void {
    if (this.state === "closed") return;
    const handshaking = this.hello !== undefined;
    this.state = "closed";
    this.queued = [];
    let error = this.closeError;
    if (error === undefined && handshaking) error = handshakeError(code, reason, this.options.peerName, this.hello!, this.socketError);
    else if (error === undefined && code === CloseCode.ABNORMAL) {
      error = new ConnectionClosedError(
        `${capitalized(this.options.peerName)} dropped the connection without closing it; whatever was sent to it and not answered is lost.`,
        this.socketError !== undefined ? { cause: this.socketError } : undefined,
      );
    }
    this.settleOpened?.(error ?? new ConnectionClosedError(`The connection to ${this.options.peerName} closed (${code} ${reason}) before it opened.`));
    const event: CloseEvent = { code, reason, error };
    if (this.reading && this.inbox.length === 0) this.onClose?.(event);
    else this.pendingClose = event;
  }

  private readonly drainInbox = (): void => {
    const inbox = this.inbox;
    this.inbox = [];
    for (const m of inbox) this.handler?.(m);
    const close = this.pendingClose;
    this.pendingClose = undefined;
    if (close !== undefined) this.onClose?.(close);
  };
}

/** The typed error for a connection that closed before the server welcomed it. */
function handshakeError(code: number, reason: string, peer: string, hello: HelloFrame, socketError: Error | undefined): Error {
  switch (code) {
    case ClusterCloseCode.AUTHENTICATION_FAILED:
      return new AuthenticationError(
        `${capitalized(peer)} refused this ${hello.kind}'s token (${reason}). ` +
          "Give the cluster's token: --token T to the tsray command, ray.init({ token }), or TSRAY_TOKEN in the environment.",
      );
    case ClusterCloseCode.PROTOCOL_VERSION_MISMATCH: {
      const theirs = /speaks (\d+)/.exec(reason);
      const remote = theirs === null ? undefined : Number(theirs[1]);
      return new ProtocolVersionError(
        `${capitalized(peer)} refused this ${hello.kind}: it speaks protocol version ${remote ?? "(unknown)"}, this process ${hello.version}. ` +
          "Run the same tsray release on every node, driver and tsray command.",
        hello.version,
        remote,
      );
    }
    default:
      return new ConnectionClosedError(
        `Cannot join ${peer}: ${socketError?.message ?? `the connection closed during the handshake (${code}${reason === "" ? "" : ` ${reason}`})`}. ` +
          "Check the address and that the head is running (tsray status), and that both ends run the same tsray release.",
        socketError !== undefined ? { cause: socketError } : undefined,
      );
  }
}

export interface WsConnectOptions {
  readonly kind: PeerKind;
  /** The cluster token ("" or absent: none). */
  readonly token?: string | undefined;
  readonly check: MessageCheck;
  readonly maxFrameBytes?: number | undefined;
  /** For `wss://` heads with a certificate of their own: the CA (or the certificate itself) to trust. */
  readonly ca?: string | Buffer | undefined;
  readonly handshakeTimeoutMs?: number | undefined;
  readonly log?: ((line: string) => void) | undefined;
  /** The version to present; only tests set it (to see a mismatch refused). */
  readonly protocolVersion?: number | undefined;
}

/**
 * Opens a connection to a head or node at `url` (`ws://host:port` or `wss://host:port`). The
 * connection is "connecting" until the server welcomes it; await `opened` for the typed refusal.
 */
export function connectWs<Out, In>(url: string, options: WsConnectOptions): WsConnection<Out, In> {
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    handshakeTimeout: timeoutMs,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  });
  const hello: HelloFrame = { tsray: "hello", version: options.protocolVersion ?? PROTOCOL_VERSION, token: options.token ?? "", kind: options.kind };
  const connection = new WsConnection<Out, In>(
    ws,
    { check: options.check, peerName: `the cluster at ${url}`, log: options.log ?? logToStderr },
    hello,
  );
  ws.on("open", () => connection.sendHello());
  const timer = setTimeout(() => {
    if (connection.state === "connecting") connection.close(ClusterCloseCode.HANDSHAKE_FAILED, "no welcome in time");
  }, timeoutMs);
  timer.unref();
  const clear = () => clearTimeout(timer);
  connection.opened.then(clear, clear);
  return connection;
}

/** `connectWs`, resolved once open; rejects with the typed refusal (the connection is then closed). */
export async function openWs<Out, In>(url: string, options: WsConnectOptions): Promise<WsConnection<Out, In>> {
  const connection = connectWs<Out, In>(url, options);
  await connection.opened;
  return connection;
}

export function logToStderr(line: string): void {
  process.stderr.write(`tsray: ${line}\n`);
}

function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let cut = reason.slice(0, MAX_REASON_BYTES);
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES - 3) cut = cut.slice(0, -1); // "…" is 3 bytes
  return `${cut}…`;
}

function capitalized(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
}
