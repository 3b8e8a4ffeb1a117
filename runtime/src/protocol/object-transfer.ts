/**
 * The object-transfer protocol between two nodes' object stores (Ray's
 * object manager pull protocol): a node that needs an object it does not hold
 * asks a node that does (`pull`), and the holder answers with the object in
 * chunks, then `end`, or with `lost`. Both ends may pull from each other over
 * one connection, so a message names the pull it belongs to by the puller's
 * `pullId` (unique per puller end of a connection).
 *
 * Flow control is by credit: the holder sends at most `window` chunks the
 * puller has not acknowledged (`ack`, one per chunk it has copied out), so a
 * large object never floods the connection or the puller's memory, and
 * neither event loop copies more than `window` chunks in one turn. The puller
 * may give up (`cancel`); the holder then stops.
 *
 * Type-only tagged union, handled exhaustively on both ends; values are plain
 * data and bytes, so the ws transport can carry it as it is.
 */

/** What the puller sends. */
export type PullerMessage =
  /** Sends `objectId` in chunks of at most `chunkBytes`, at most `window` unacknowledged at a time. */
  | { readonly t: "pull"; readonly pullId: number; readonly objectId: string; readonly chunkBytes: number; readonly window: number }
  /** One more chunk of pull `pullId` was received and copied: the holder may send one more. */
  | { readonly t: "ack"; readonly pullId: number }
  /** The puller does not want the object any more. */
  | { readonly t: "cancel"; readonly pullId: number };

/** What the holder sends. */
export type HolderMessage =
  /** Bytes `offset …` of the object, whose whole size is `size`; chunks come in order. */
  | { readonly t: "chunk"; readonly pullId: number; readonly offset: number; readonly size: number; readonly bytes: Uint8Array }
  /** Every chunk was sent. */
  | { readonly t: "end"; readonly pullId: number; readonly size: number }
  /** The holder does not hold the object (freed, or never had it). */
  | { readonly t: "lost"; readonly pullId: number; readonly message: string };

export type ObjectTransferMessage = PullerMessage | HolderMessage;

export function unreachableTransfer(m: never): never {
  throw new Error(`unknown object-transfer message ${JSON.stringify(m)}`);
}

const isCount = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * Why `m` is not an object-transfer message, or undefined if it is one: what
 * a peer sends is input, checked before anything is done with it (a node
 * closes a connection that sends anything else, and goes on serving the rest).
 */
export function transferMessageProblem(m: unknown): string | undefined {
  if (typeof m !== "object" || m === null) return "not an object";
  const r = m as Record<string, unknown>;
  if (!isCount(r["pullId"])) return "no pull id";
  switch (r["t"]) {
    case "pull":
      return typeof r["objectId"] !== "string" || !isCount(r["chunkBytes"]) || !isCount(r["window"]) ? "a pull without objectId, chunkBytes or window" : undefined;
    case "ack":
    case "cancel":
      return undefined;
    case "chunk":
      return !(r["bytes"] instanceof Uint8Array) || !isCount(r["offset"]) || !isCount(r["size"]) ? "a chunk without bytes, offset or size" : undefined;
    case "end":
      return isCount(r["size"]) ? undefined : "an end without size";
    case "lost":
      return typeof r["message"] === "string" ? undefined : "a lost without message";
    default:
      return `unknown type ${JSON.stringify(String(r["t"])).slice(0, 40)}`;
  }
}
