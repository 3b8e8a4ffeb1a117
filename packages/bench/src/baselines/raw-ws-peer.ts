/**
 * The raw-ws side of the network baselines (ws_round_trip, cross_node_*): a plain `ws` client with
 * tsray's transport options (perMessageDeflate off, bufferutil) talking to a peer that echoes
 * msgpackr `{ n }` frames, and (the child peer, children/ws-peer-child.ts) moves bulk bytes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pack, unpack } from "msgpackr";
import WebSocket from "ws";

/** A request/reply peer: the pattern of a task, one at a time or many in flight. */
export interface Echo {
  /** Sends one message; resolves with the echo. */
  roundTrip(n: number): Promise<number>;
  /** Sends `count` messages at once; resolves when every echo is back. */
  burst(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A raw ws client of an echo peer at `url`, plus the bulk transfers of the child peer. */
export class RawWsClient implements Echo {
  private waiting: ((n: number) => void) | undefined;
  private bulk: ((data: Buffer, isBinary: boolean) => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary) => {
      if (this.bulk !== undefined) this.bulk(data, isBinary);
      else this.waiting?.((unpack(data) as { n: number }).n);
    });
  }

  static async connect(url: string): Promise<RawWsClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
    return new RawWsClient(ws);
  }

  roundTrip(n: number): Promise<number> {
    return new Promise((resolve) => ((this.waiting = resolve), this.ws.send(pack({ n }))));
  }

  burst(count: number): Promise<void> {
    return new Promise((resolve) => {
      let left = count;
      this.waiting = () => void (--left === 0 && resolve());
      for (let i = 0; i < count; i++) this.ws.send(pack({ n: i }));
    });
  }

  /** The peer sends `size` bytes in `chunk`-byte frames; they are copied into fresh memory here. */
  pull(size: number, chunk: number): Promise<Uint8Array> {
    const into = new Uint8Array(size);
    let at = 0;
    return new Promise((resolve) => {
      this.bulk = (data) => {
        into.set(data, at);
        at += data.byteLength;
        if (at >= size) {
          this.bulk = undefined;
          resolve(into);
        }
      };
      this.ws.send(`send ${size} ${chunk}`);
    });
  }

  /** Sends `bytes` in `chunk`-byte frames; resolves when the peer has copied them all. */
  push(bytes: Uint8Array, chunk: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.bulk = (data, isBinary) => {
        this.bulk = undefined;
        if (!isBinary && data.toString() === `got ${bytes.byteLength}`) resolve();
        else reject(new Error(`the peer answered ${data.toString().slice(0, 40)}`));
      };
      this.ws.send(`recv ${bytes.byteLength}`);
      for (let at = 0; at < bytes.byteLength; at += chunk) this.ws.send(bytes.subarray(at, Math.min(bytes.byteLength, at + chunk)));
    });
  }

  async close(): Promise<void> {
    this.ws.terminate();
  }
}

/** The raw ws peer in a process of its own (children/ws-peer-child.ts). */
export class RawWsPeerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<RawWsPeerProcess> {
    const script = fileURLToPath(new URL("../children/ws-peer-child.js", import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (d: string) => {
        out += d;
        const m = /PORT (\d+)/.exec(out);
        if (m !== null) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`the raw ws peer exited (${code}) before listening`)));
    });
    return new RawWsPeerProcess(child, `ws://127.0.0.1:${port}`);
  }

  stop(): void {
    this.child.kill("SIGKILL");
  }
}
