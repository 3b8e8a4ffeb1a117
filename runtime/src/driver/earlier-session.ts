/**
 * Refs do not outlive their session: an id carries the session that minted it
 * (common/ids.ts), so the driver tells a ref kept from before a `shutdown()`
 * from its own.
 */
import { OwnerDiedError } from "../common/errors.js";
import { sessionOf } from "../common/ids.js";

/**
 * A ref minted by an earlier session's runtime (see `sessionOf`): that
 * runtime owned its object and `shutdown()` ended both, so the object can
 * never be produced. Old actor handles fail the same way (unknown actor).
 * `undefined` for an id of `session` or one tsray did not mint.
 */
export function earlierSessionError(id: string, session: number): OwnerDiedError | undefined {
  const minted = sessionOf(id);
  if (minted === undefined || minted === session) return undefined;
  return new OwnerDiedError(
    id,
    `ObjectRef(${id}) belongs to an earlier ray.init() session: ray.shutdown() ended the runtime that owned it, ` +
      "and its object with it. Refs do not outlive their session: compute or put the value again after ray.init().",
  );
}
