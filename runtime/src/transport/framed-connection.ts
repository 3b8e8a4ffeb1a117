/**
 * What the transports without a close frame of their own (thread ports, process IPC, in-memory
 * pairs) share: the state machine and WebSocket's closing handshake carried in-band as a
 * `CloseFrame`. The closing end sends the frame and waits ("closing"); the peer echoes it and is
 * closed; the closing end is closed when the echo arrives. A peer that dies instead closes this end
 * abnormally (`lost`). Subclasses only move messages (`write`) and watch their transport.
 */
import { ConnectionClosedError } from "../common/errors.js";
import { CloseCode, closeCodeOf, closeFrame, type CloseEvent, type CloseFrame, type Connection, type ConnectionState } from "../protocol/connection.js";

export abstract class FramedConnection<Out, In> implements Connection<Out, In> {
  state: ConnectionState = "open";
  private handler: ((message: In) => void) | undefined = undefined;
  /** `onMessage` was set once: the transport reads (until then, what the peer sends waits in it). */
  protected reading = false;
  onClose: ((event: CloseEvent) => void) | undefined = undefined;
  /** What the peer died of, when the transport reported it before ending (a thread's uncaught error). */
  protected peerError: Error | undefined;

  /** Named in errors: "the worker thread", "the driver", "child process 1234", … */
  protected abstract readonly peerName: string;

  get onMessage(): ((message: In) => void) | undefined {
    return this.handler;
  }

  set onMessage(handler: ((message: In) => void) | undefined) {
    this.handler = handler;
    if (this.reading) return;
    this.reading = true;
    this.startReading();
  }

  get bufferedAmount(): number {
    return 0;
  }

  /** Starts reading the transport's messages (called once, when `onMessage` is first set). */
  protected abstract startReading(): void;

  /** Hands one message or frame to the transport. Called only while the transport can still carry it. */
  protected abstract write(message: unknown, transfer: ArrayBuffer[] | undefined): void;

  /**
   * Lets the transport go once this end is closed. `initiator`: this end sent the first close
   * frame, so the peer has its echo already and the channel may be torn down (a receiver must not:
   * its echo could be cut off).
   */
  protected abstract release(initiator: boolean): void;

  send(message: Out, transfer?: ArrayBuffer[]): void {
    if (this.state !== "open") {
      throw new ConnectionClosedError(
        `Cannot send to ${this.peerName}: the connection is ${this.state}. Check connection.state before sending, or open a new connection.`,
      );
    }
    this.write(message, transfer);
  }

  close(code: number = CloseCode.NORMAL, reason = ""): void {
    if (this.state !== "open") return;
    this.state = "closing";
    this.write(closeFrame(code, reason), undefined);
  }

  /** The transport read `message` from the peer. */
  protected received(message: unknown): void {
    if (this.state === "closed") return;
    const code = closeCodeOf(message);
    if (code === undefined) {
      this.handler?.(message as In);
      return;
    }
    const reason = (message as CloseFrame).reason;
    const initiator = this.state === "closing";
    if (!initiator) {
      this.state = "closing";
      this.write(message, undefined); // the echo
    }
    this.finish({ code, reason }, initiator);
  }

  /** The peer ended without closing: closes this end abnormally (nothing if it is closed already). */
  protected lost(what: string, exitCode?: number, signal?: NodeJS.Signals | null): void {
    if (this.state === "closed") return;
    const reason = `${this.peerName} ${what} without closing the connection`;
    const error = new ConnectionClosedError(
      `${reason[0]!.toUpperCase()}${reason.slice(1)}; whatever was sent to it and not answered is lost.`,
      this.peerError !== undefined ? { cause: this.peerError } : undefined,
    );
    this.finish({ code: CloseCode.ABNORMAL, reason, error, exitCode, signal: signal ?? undefined }, false);
  }

  private finish(event: CloseEvent, initiator: boolean): void {
    this.state = "closed";
    this.release(initiator);
    this.onClose?.(event);
  }
}
