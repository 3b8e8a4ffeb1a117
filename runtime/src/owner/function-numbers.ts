/**
 * Small numbers for the remote functions the driver sends to threads, so a
 * `run` message carries a function's location (`{ id, url }`, two strings
 * structured-cloned and hashed again on the thread) only the first time that
 * thread sees the function, and a number after that.
 *
 * Invariants: a number, once given, always means the same location (numbers
 * are never reused, so a thread never confuses two functions); a thread
 * learns a number's location from the first `run` it receives with that
 * number (the port keeps order, so no later message can overtake it).
 * Which numbers a thread knows is kept on its `PoolWorker` (`knownFns`): a
 * thread that is replaced starts with none and is told again.
 */
import type { FnLocation } from "../protocol/thread-messages.js";

export class FunctionNumbers {
  /** By the location object itself: a remote function submits the same object every call (no string hashing). */
  private readonly byObject = new WeakMap<FnLocation, number>();
  /** By id and url: locations that arrive as copies (tasks submitted from threads). */
  private readonly byKey = new Map<string, number>();
  private next = 0;

  numberOf(fn: FnLocation): number {
    const known = this.byObject.get(fn);
    if (known !== undefined) return known;
    const key = `${fn.url}\n${fn.id}`;
    let n = this.byKey.get(key);
    if (n === undefined) {
      n = this.next++;
      this.byKey.set(key, n);
    }
    this.byObject.set(fn, n);
    return n;
  }
}
