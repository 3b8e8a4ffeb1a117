/**
 * The owner protocol (issue 11): what a process holding a ref asks the ref's owner — the runtime
 * that minted its id (common/ids.ts `ownerOf`), in another process — after Ray's
 * `GetObjectStatus`. It runs on a connection of its own to a node's endpoint (`open { channel:
 * "owner" }`, node/node-messages.ts), and both ends may ask and answer on it: the process that
 * dialled (a driver, or a node that spilled work) asks the node's runtime about the objects it
 * owns, and the node asks the dialler about its objects (a driver that runs no node has no
 * endpoint of its own: this connection is how nodes reach it).
 *
 * | asker → owner | owner → asker |
 * |---|---|
 * | `getObject { reqId, objectId }` | once the object is ready: `object { reqId, value }` (small: its bytes; large: where a copy is, an `ObjectLocation`, pulled by the asker over the object transfer) or `objectFailed { reqId, error }` (what it stands for, or that the owner no longer has it) |
 * | `borrowActor { reqId, actorId }`: the asker's process holds a handle of an actor the owner owns (owner/actor-holds.ts) | `actorBorrowed { reqId }` once it is counted |
 * | `releaseActor { reqId: 0, actorIds }`: it holds none of these any more | — |
 * | — | `collectHandles { reqId: 0, actorIds }` (owner → borrower): borrowers alone hold these; collect |
 *
 * Borrows count per peer process (its job): when its last link closes, they are released.
 *
 * Replies are typed by their request (one per `reqId`, the asker's number). Every pending request
 * fails when its connection closes: the owner's process is gone (`OwnerDiedError`). Plain data and
 * bytes only; checked at the boundary (`ownerMessageProblem`).
 */
import type { WireError } from "../common/task-spec.js";

/**
 * An object's value as the owner holds it: its bytes, or where a copy is — the shape of
 * object-store/object-location.ts `Held` (spelt out here: the protocol layer sits below the store).
 */
export type OwnedValue = Uint8Array | { readonly objectId: string; readonly heldOn: string; readonly size: number; readonly copies?: readonly string[] };

export type OwnerRequest =
  | { readonly t: "getObject"; readonly reqId: number; readonly objectId: string }
  | { readonly t: "borrowActor"; readonly reqId: number; readonly actorId: string }
  /** No reply (`reqId` 0). */
  | { readonly t: "releaseActor"; readonly reqId: number; readonly actorIds: readonly string[] }
  /** Owner → borrower, no reply: these actors are held by borrowers alone; copies there may be garbage, collect. */
  | { readonly t: "collectHandles"; readonly reqId: number; readonly actorIds: readonly string[] };

export type OwnerReply =
  | { readonly t: "object"; readonly reqId: number; readonly value: OwnedValue }
  | { readonly t: "objectFailed"; readonly reqId: number; readonly error: WireError }
  | { readonly t: "actorBorrowed"; readonly reqId: number };

export type OwnerMessage = OwnerRequest | OwnerReply;

export function unreachableOwner(m: never): never {
  throw new Error(`unknown owner message ${JSON.stringify(m)}`);
}

const isCount = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The owner-protocol kinds (a node's endpoint tells them from the node protocol's and the transfer's). */
export const ownerMessageKinds: ReadonlySet<string> = new Set(["getObject", "object", "objectFailed", "borrowActor", "releaseActor", "actorBorrowed", "collectHandles"]);

function heldProblem(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return undefined;
  if (!isObject(v) || typeof v["objectId"] !== "string" || typeof v["heldOn"] !== "string" || !isCount(v["size"])) return "a value that is neither bytes nor a location";
  const copies = v["copies"];
  if (copies !== undefined && !(Array.isArray(copies) && copies.every((c) => typeof c === "string"))) return "a location with ill-typed copies";
  return undefined;
}

/** Why `m` is not an owner-protocol message, or undefined if it is one. */
export function ownerMessageProblem(m: unknown): string | undefined {
  if (!isObject(m)) return "not an object";
  if (!isCount(m["reqId"])) return "no request id";
  switch (m["t"]) {
    case "getObject":
      return typeof m["objectId"] === "string" ? undefined : "a getObject without objectId";
    case "object":
      return heldProblem(m["value"]);
    case "objectFailed":
      return isObject(m["error"]) ? undefined : "an objectFailed without error";
    case "borrowActor":
      return typeof m["actorId"] === "string" ? undefined : "a borrowActor without actorId";
    case "releaseActor":
    case "collectHandles": {
      const ids = m["actorIds"];
      return Array.isArray(ids) && ids.every((id) => typeof id === "string") ? undefined : `a ${m["t"]} without actorIds`;
    }
    case "actorBorrowed":
      return undefined;
    default:
      return `unknown type ${JSON.stringify(String(m["t"])).slice(0, 40)}`;
  }
}
