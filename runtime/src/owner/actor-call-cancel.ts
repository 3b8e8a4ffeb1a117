/**
 * `ray.cancel` of an actor call, found from one of its refs.
 *
 * A call not sent yet never runs; a sent one fails with `TaskCancelledError`
 * at once and the actor's thread is told: it drops the call if it has not
 * started it, else aborts the call's signal (an async method stops where it
 * listens; a synchronous one runs to its end; a generator method also stops
 * before its next value, and its `ObjectRefGenerator` ends with the error).
 * A cancelled call is never retried.
 */

/**
 * The id of the call `objectId` belongs to, once `cancelOne` cancelled it
 * (`several`: the id was derived from a return id, so only a call with several
 * returns may match); undefined when no unsettled call has that ref.
 */
export function cancelCallOfRef(objectId: string, cancelOne: (taskId: string, several: boolean) => boolean): string | undefined {
  if (cancelOne(objectId, false)) return objectId;
  // A ref of a call with several returns is `<call id>.<i>` (common/ids.ts `returnId`).
  const dot = objectId.lastIndexOf(".");
  if (dot > 0 && /^\d+$/.test(objectId.slice(dot + 1))) {
    const callId = objectId.slice(0, dot);
    if (cancelOne(callId, true)) return callId;
  }
  return undefined;
}
