/**
 * A connection over a child process's IPC channel: `ChildProcessConnection` is the parent's end
 * (it wraps a `ChildProcess` forked with an "ipc" stdio entry), `ProcessConnection` the child's
 * (it wraps `process`). With `serialization: "advanced"` messages are structured clones, as over
 * a thread port, but buffers are copied (`transfer` is ignored).
 *
 * The parent's end closes abnormally at the child's 'close' (its IPC channel and stdio read to the
 * end, so everything it sent before dying arrives first), or at most `exitDrainCapMs` after its
 * 'exit' (a grandchild holding the inherited pipes must not delay it for ever); it is "closing"
 * in between. `bufferedAmount` counts messages handed to the channel and not yet written.
 * After a closing handshake the child's end disconnects the channel (once its last write, the echo
 * or the close frame, is written), whichever end started it: Node counts toward the child's 'close'
 * only a channel the child ended, so a parent that disconnected itself would never see 'close'.
 */
import type { ChildProcess } from "node:child_process";
import { FramedConnection } from "./framed-connection.js";

const EXIT_DRAIN_CAP_MS = 1_000;

export class ChildProcessConnection<Out, In> extends FramedConnection<Out, In> {
  protected readonly peerName: string;
  private pending = 0;
  private readonly written = (): void => void this.pending--;

  constructor(
    private readonly child: ChildProcess,
    exitDrainCapMs = EXIT_DRAIN_CAP_MS,
  ) {
    super();
    this.peerName = `child process ${child.pid ?? "(not started)"}`;
    child.on("error", (e: Error) => (this.peerError = e));
    child.on("disconnect", () => {
      if (this.state === "open") this.state = "closing";
    });
    let cap: NodeJS.Timeout | undefined;
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(cap);
      this.lost(signal !== null ? `was killed by ${signal}` : `ended (exit code ${code ?? 0})`, code ?? (signal !== null ? 1 : 0), signal);
    };
    child.on("exit", (code, signal) => {
      if (this.state === "open") this.state = "closing";
      cap = setTimeout(() => ended(code, signal), exitDrainCapMs);
    });
    child.on("close", ended);
  }

  override get bufferedAmount(): number {
    return this.pending;
  }

  protected startReading(): void {
    this.child.on("message", (m) => this.received(m));
  }

  protected write(message: unknown): void {
    if (!this.child.connected) return; // ended: its 'close' closes this end
    this.pending++;
    this.child.send(message as object, undefined, undefined, this.written);
  }

  protected release(): void {
    // The child's end disconnects (see above).
  }
}

export class ProcessConnection<Out, In> extends FramedConnection<Out, In> {
  protected readonly peerName = "the parent process";
  private pending = 0;
  private released = false;
  private readonly written = (): void => {
    if (--this.pending === 0 && this.released) this.disconnect();
  };

  constructor() {
    super();
    if (process.send === undefined) throw new Error("ProcessConnection needs a process forked with an IPC channel (child_process.fork).");
    process.on("disconnect", () => this.lost("disconnected"));
  }

  override get bufferedAmount(): number {
    return this.pending;
  }

  protected startReading(): void {
    process.on("message", (m) => this.received(m));
  }

  protected write(message: unknown): void {
    if (!process.connected) return;
    this.pending++;
    process.send!(message, undefined, undefined, this.written);
  }

  protected release(): void {
    this.released = true;
    if (this.pending === 0) this.disconnect();
  }

  private disconnect(): void {
    if (process.connected) process.disconnect();
  }
}
