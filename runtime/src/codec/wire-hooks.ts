/**
 * How refs and actor handles cross a thread boundary: as their ids (and, for
 * handles, the actor's class name and method names). The same hooks serve
 * every thread; a decoded handle calls through that thread's current core.
 */
import { actorDescriptorOf, makeActorHandle, type ActorHandleBase } from "../api/actor-handle.js";
import { SerializationError } from "../common/errors.js";
import { ObjectRef } from "../api/object-ref.js";
import type { ActorDescriptor } from "../common/task-spec.js";

export interface WireHooksLike {
  encodeRef(ref: ObjectRef): unknown;
  decodeRef(wire: unknown): ObjectRef;
  encodeHandle(handle: ActorHandleBase): unknown;
  decodeHandle(wire: unknown): ActorHandleBase;
}

/**
 * What a thread's reference counting hears of the values its codec writes and reads:
 * `encodedRef`, every ref encoded (it has escaped: common/reference-counter.ts);
 * `encodedHandle`, every actor handle encoded (the value carrying it holds the actor:
 * thread/handle-borrows.ts, owner/actor-holds.ts); `decodedHandle`, every handle instance
 * made from the wire (a borrow of the actor for as long as the instance lives).
 */
export interface WireEvents {
  readonly encodedRef?: (id: string) => void;
  readonly encodedHandle?: (actorId: string) => void;
  readonly decodedHandle?: (handle: ActorHandleBase, actorId: string) => void;
}

export function createWireHooks(events: WireEvents = {}): WireHooksLike {
  const onEncodeRef = events.encodedRef;
  return {
    encodeRef: onEncodeRef === undefined ? (ref) => ref.id : (ref) => (onEncodeRef(ref.id), ref.id),
    decodeRef: (wire) => {
      if (typeof wire !== "string") throw new SerializationError("ObjectRef", "malformed ObjectRef on the wire");
      return new ObjectRef(wire);
    },
    encodeHandle: (handle) => {
      const d = actorDescriptorOf(handle);
      if (d === undefined) {
        throw new SerializationError("ActorHandle", "an ActorHandle that was not made by tsray cannot be sent");
      }
      events.encodedHandle?.(d.actorId);
      // [id, className, methods, methodReturns?, generators?]: each optional part only when there is
      // one (a record, or null before generators), so the two never share a place (api/actor-handle.ts).
      if (d.generators !== undefined) return [d.actorId, d.className, d.methods, d.methodReturns ?? null, d.generators];
      return d.methodReturns === undefined ? [d.actorId, d.className, d.methods] : [d.actorId, d.className, d.methods, d.methodReturns];
    },
    decodeHandle: (wire) => {
      if (!Array.isArray(wire) || typeof wire[0] !== "string" || typeof wire[1] !== "string" || !Array.isArray(wire[2])) {
        throw new SerializationError("ActorHandle", "malformed ActorHandle on the wire");
      }
      const returns: unknown = wire[3] ?? undefined;
      const generators: unknown = wire[4];
      if (
        (returns !== undefined && (typeof returns !== "object" || returns === null || Array.isArray(returns))) ||
        (generators !== undefined && !Array.isArray(generators))
      ) {
        throw new SerializationError("ActorHandle", "malformed ActorHandle on the wire");
      }
      const actor: ActorDescriptor = {
        actorId: wire[0],
        className: wire[1],
        methods: wire[2] as string[],
        ...(returns !== undefined ? { methodReturns: returns as Record<string, number> } : {}),
        ...(generators !== undefined ? { generators: generators as string[] } : {}),
      };
      const handle = makeActorHandle(actor);
      events.decodedHandle?.(handle, actor.actorId);
      return handle;
    },
  };
}
