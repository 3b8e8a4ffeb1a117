/**
 * A connection over a worker thread's port: `ThreadConnection` is the parent's end (it wraps a
 * `Worker`), `ParentPortConnection` the thread's (it wraps `parentPort`). Messages are structured
 * clones; buffers in `transfer` move. A port copies or moves a message at `postMessage`, so
 * `bufferedAmount` is always 0. The parent's end closes abnormally when the thread exits (with its
 * exit code and, as the error's cause, what it threw); the thread's end when the port closes.
 * Closing by handshake stops this end listening (the thread may then end once idle); it does not
 * terminate the thread: `Worker.terminate()` does, and this end sees the exit.
 * This module loads nothing of the driver side, so a thread can use it.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import { FramedConnection } from "./framed-connection.js";

/** What a `Worker` and a `MessagePort` both offer. */
interface Port {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
}

abstract class PortConnection<Out, In> extends FramedConnection<Out, In> {
  private readonly onData = (m: unknown): void => this.received(m);

  constructor(private readonly port: Port) {
    super();
  }

  protected startReading(): void {
    this.port.on("message", this.onData);
  }

  protected write(message: unknown, transfer: ArrayBuffer[] | undefined): void {
    this.port.postMessage(message, transfer);
  }

  protected release(): void {
    // On a thread's `parentPort`, this unrefs the port: a thread with nothing else to do may end.
    this.port.off("message", this.onData);
  }
}

export class ThreadConnection<Out, In> extends PortConnection<Out, In> {
  protected readonly peerName = "the worker thread";

  constructor(worker: Worker) {
    super(worker);
    worker.on("error", (e: Error) => (this.peerError = e));
    worker.on("exit", (code: number) => this.lost(`ended (exit code ${code})`, code));
  }
}

export class ParentPortConnection<Out, In> extends PortConnection<Out, In> {
  protected readonly peerName = "the parent thread";

  constructor(port: MessagePort) {
    super(port);
    port.on("close", () => this.lost("closed its port"));
  }
}
