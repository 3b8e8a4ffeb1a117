// Remote functions of the ray.free suite. No top-level side effects: workers import this.
import * as ray from "tsray";

/** Puts a value, frees it, and says what a get of it then does (the error's name, or "got it"). */
export const putFreeGet = ray.remote(async function putFreeGet(): Promise<string> {
  const ref = ray.put(new Float64Array(16));
  ray.free(ref);
  try {
    await ray.get(ref);
    return "got it";
  } catch (e) {
    return (e as Error).name;
  }
});
