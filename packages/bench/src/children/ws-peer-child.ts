/**
 * The raw ws peer of the cross-node baselines: a plain `ws` server in a process of its own (as a
 * node is), with the options tsray's transport uses (perMessageDeflate off; bufferutil installed,
 * so ws masks and unmasks with it). It prints `PORT <n>` once it listens, then serves every
 * connection:
 *
 * - a binary frame outside a bulk transfer is a msgpackr `{ n }`, echoed back re-encoded (the
 *   message pattern of a task: a request, a reply);
 * - text `send <bytes> <chunk>`: sends `bytes` bytes of a Float64Array it made once, in binary frames of
 *   `chunk` bytes (the holder's side of an object pull);
 * - text `recv <bytes>`: the next binary frames, up to `bytes` bytes, are copied into fresh memory
 *   (as a puller must: the object is kept), then it answers text `got <bytes>`.
 *
 * Usage: node ws-peer-child.js
 */
import { pack, unpack } from "msgpackr";
import { WebSocketServer } from "ws";

let source: Uint8Array | undefined;
/** The bytes a peer sends: made once, every page touched, a pattern a receiver could check. */
function bytesOf(size: number): Uint8Array {
  if (source === undefined || source.byteLength < size) {
    const a = new Float64Array(Math.ceil(size / 8));
    for (let i = 0; i < a.length; i++) a[i] = i;
    source = new Uint8Array(a.buffer);
  }
  return source.subarray(0, size);
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
wss.on("connection", (ws) => {
  let receiving: { into: Uint8Array; at: number } | undefined;
  ws.on("message", (data: Buffer, isBinary) => {
    if (!isBinary) {
      const [what, size, chunk] = data.toString().split(" ");
      const n = Number(size);
      if (what === "send") {
        const bytes = bytesOf(n);
        const step = Number(chunk);
        for (let at = 0; at < n; at += step) ws.send(bytes.subarray(at, Math.min(n, at + step)));
      } else if (what === "recv") receiving = { into: new Uint8Array(n), at: 0 };
      return;
    }
    if (receiving === undefined) return ws.send(pack(unpack(data)));
    receiving.into.set(data, receiving.at);
    receiving.at += data.byteLength;
    if (receiving.at >= receiving.into.byteLength) {
      ws.send(`got ${receiving.at}`);
      receiving = undefined;
    }
  });
});
wss.once("listening", () => process.stdout.write(`PORT ${(wss.address() as { port: number }).port}\n`));
// Ends with its parent: the bench kills it at teardown, and a parent that dies closes our stdin.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
