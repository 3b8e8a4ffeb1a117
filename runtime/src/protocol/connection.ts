/**
 * One end of a message channel between two peers (the driver and a worker thread, the driver and
 * a child process, two in-process test nodes; later two machines over a WebSocket), modelled on
 * ws's `WebSocket`: a state, `send`, a backpressure figure, `close(code, reason)`, and two
 * callbacks. Typed by what it sends (`Out`) and what it receives (`In`): for the driver and its
 * workers these are batches of the thread protocol's unions (protocol/thread-messages.ts).
 *
 * Invariants every implementation (runtime/src/transport/) keeps:
 * - messages arrive in the order they were sent, each exactly once, until the connection closes;
 * - delivery is asynchronous: `onMessage` never runs inside the peer's `send`;
 * - `onClose` fires exactly once per end, whoever closed and however (a `close` from either end,
 *   or the peer dying), and no `onMessage` follows it;
 * - `send` once the state is "closing" or "closed" throws `ConnectionClosedError`
 *   (TSRAY_CONNECTION_CLOSED): a caller that may race a close checks `state` first.
 */

/**
 * "connecting" is for transports with a handshake before the first message (the WebSocket one):
 * ports, IPC channels and in-memory pairs queue what is sent before the peer listens, so they start
 * "open". "closing": a close frame is sent and its echo awaited, or the peer has ended and what it
 * sent is still being read.
 */
export type ConnectionState = "connecting" | "open" | "closing" | "closed";

/** Close codes, as WebSocket's (RFC 6455 §7.4.1), so that the ws transport can pass them through. */
export const CloseCode = {
  /** Closed on purpose by either end. */
  NORMAL: 1000,
  /** The peer ended without closing the connection (a thread or process died, a socket dropped). */
  ABNORMAL: 1006,
  /** The peer sent a message the protocol does not allow (unknown, or ill-typed): closed by the receiver. */
  PROTOCOL_ERROR: 1002,
} as const;

export interface CloseEvent {
  /** `CloseCode.NORMAL` (or the code the closing end gave) for a close; `CloseCode.ABNORMAL` when the peer died. */
  readonly code: number;
  readonly reason: string;
  /**
   * Set when the close was abnormal: a `ConnectionClosedError` saying what ended, whose `cause` is
   * what the peer died of when the transport knows it (a thread's uncaught error, a spawn failure).
   */
  readonly error?: Error | undefined;
  /** A thread's or process's exit code, where the peer is one and has exited. */
  readonly exitCode?: number | undefined;
  /** The signal that ended a child process, if one did. */
  readonly signal?: NodeJS.Signals | undefined;
}

export interface Connection<Out, In> {
  readonly state: ConnectionState;
  /**
   * Messages handed to `send` and not yet handed to the peer's transport: the backpressure figure,
   * as ws's `bufferedAmount` (counted in messages, not bytes). A sender that produces without bound
   * waits while it is high. Thread ports copy or move a message at `send`, so theirs is always 0.
   */
  readonly bufferedAmount: number;
  /**
   * Sends one message. Buffers in `transfer` move to the peer where the transport can move memory
   * (a thread port; they are detached here); other transports copy them.
   * Throws `ConnectionClosedError` once the connection is closing or closed.
   */
  send(message: Out, transfer?: ArrayBuffer[]): void;
  /**
   * Starts the closing handshake: the peer's `onClose` sees `code` and `reason`, then this end's.
   * Messages sent before still arrive. Closing a closing or closed connection does nothing.
   */
  close(code?: number, reason?: string): void;
  /**
   * Called for each message, in order. The transport starts reading when it is first set: until
   * then, what the peer sends waits (a receiver that loads code before it can handle messages sets
   * it when ready). A close frame waits too, so `onClose` comes only once reading started.
   */
  onMessage: ((message: In) => void) | undefined;
  /** Called exactly once, when this end is closed. */
  onClose: ((event: CloseEvent) => void) | undefined;
}

/**
 * The frame a closing end sends (and the peer echoes) where the transport has no close frame of its
 * own. A plain object with one odd key, so it is told apart from a message (a batch array) by one
 * property read per received message.
 */
export interface CloseFrame {
  readonly "tsray.close": number;
  readonly reason: string;
}

export function closeFrame(code: number, reason: string): CloseFrame {
  return { "tsray.close": code, reason };
}

/** The close code in `m` if it is a close frame, else undefined. */
export function closeCodeOf(m: unknown): number | undefined {
  return typeof m === "object" && m !== null ? (m as Partial<CloseFrame>)["tsray.close"] : undefined;
}
