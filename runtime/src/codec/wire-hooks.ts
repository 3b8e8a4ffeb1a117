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

/** `onEncodeRef` hears of every ref that is encoded (the driver marks it as escaped). */
export function createWireHooks(onEncodeRef?: (id: string) => void): WireHooksLike {
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
      // The generator methods only when there are some: they decide what a call returns (api/actor-handle.ts).
      return d.generators !== undefined ? [d.actorId, d.className, d.methods, d.generators] : [d.actorId, d.className, d.methods];
    },
    decodeHandle: (wire) => {
      if (!Array.isArray(wire) || typeof wire[0] !== "string" || typeof wire[1] !== "string" || !Array.isArray(wire[2])) {
        throw new SerializationError("ActorHandle", "malformed ActorHandle on the wire");
      }
      const generators = Array.isArray(wire[3]) ? { generators: wire[3] as string[] } : {};
      const actor: ActorDescriptor = { actorId: wire[0], className: wire[1], methods: wire[2] as string[], ...generators };
      return makeActorHandle(actor);
    },
  };
}
