// Tells which msgpackr string decoder the thread it runs in uses. No top-level
// side effects: worker threads import this module.
import * as msgpackrPure from "msgpackr/pack";
import * as ray from "tsray";

/**
 * Whether this thread's msgpackr decodes strings with the native extractor.
 * Read through `msgpackr/pack` (its pure-JS entry, the one the codec imports):
 * importing `msgpackr` itself would turn the extractor on. Its types do not
 * declare the flag, which the module does export.
 */
export function nativeStringDecoding(): boolean {
  return (msgpackrPure as unknown as typeof import("msgpackr")).isNativeAccelerationEnabled;
}

/** Returns the value it was given (decoded in the thread) and the thread's decoder. */
export const echoWithDecoder = ray.remote(function echoWithDecoder<T>(value: T): { value: T; native: boolean } {
  return { value, native: nativeStringDecoding() };
});
