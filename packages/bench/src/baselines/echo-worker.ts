/**
 * The raw `postMessage` baseline's thread: answers every message with a small
 * reply carrying the request's id. No queue, no codec, no bookkeeping: the
 * floor any worker-thread runtime on Node pays per task.
 */
import { parentPort } from "node:worker_threads";

const port = parentPort!;
port.on("message", (m: { readonly id: number; readonly bytes?: Float64Array }) => {
  port.postMessage({ id: m.id, result: m.bytes === undefined ? 0 : m.bytes.byteLength });
});
