/**
 * Refs that outlived their session (see `sessionOf` in common/ids.ts): the
 * runtime that owned their objects was ended by `ray.shutdown()`.
 */
import { OwnerDiedError } from "../common/errors.js";
import { ownerOf, sessionOf } from "../common/ids.js";
import { jobOfThisProcess } from "../node/prestart.js";

/**
 * A ref minted by an earlier session's runtime than `session`: that
 * runtime owned its object and `shutdown()` ended both, so the object can
 * never be produced. Old actor handles fail the same way (unknown actor).
 */
export function ownerGone(id: string, session: number): OwnerDiedError | undefined {
  const minted = sessionOf(id);
  if (minted === undefined || minted === session) return undefined;
  // Another process's id (a borrowed ref, issue 11) counts sessions of its own: its owner is asked.
  if (!jobOfThisProcess(ownerOf(id)!.jobId)) return undefined;
  return new OwnerDiedError(
    id,
    `ObjectRef(${id}) belongs to an earlier ray.init() session: ray.shutdown() ended the runtime that owned it, ` +
      "and its object with it. Refs do not outlive their session: compute or put the value again after ray.init().",
  );
}
