/**
 * What to do instead of sending an object the codec refuses, as a class
 * states it for its own instances: a class whose instances cannot cross to a
 * worker (e.g. `ray.Queue`, a wrapper around an actor handle) defines
 * `[sendAdvice]` on its prototype, and the codec's refusal quotes it in place
 * of the generic advice. Read only when sending is already refused, so it
 * changes no value that crosses.
 */
export const sendAdvice: unique symbol = Symbol.for("tsray.sendAdvice");

/** The class's own advice for `object`, if it gives one as a string. */
export function sendAdviceOf(object: object): string | undefined {
  try {
    const advice: unknown = (object as { [sendAdvice]?: unknown })[sendAdvice];
    return typeof advice === "string" ? advice : undefined;
  } catch {
    return undefined;
  }
}
