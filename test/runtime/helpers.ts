// Assertions the runtime suites share (uvu has no async `rejects`, and its
// `throws` treats a class as a predicate).
import * as assert from "uvu/assert";

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The error `p` rejects with, which must be an instance of `cls`. */
export async function rejection<E extends Error>(p: Promise<unknown> | (() => Promise<unknown>), cls: ErrorClass<E>): Promise<E> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (!(e instanceof cls)) assert.unreachable(`expected ${cls.name}, got ${String(e)}`);
    return e as E;
  }
  assert.unreachable(`expected a rejection with ${cls.name}`);
  throw new Error("unreachable");
}

/** The error `fn` throws, which must be an instance of `cls`. */
export function thrown<E extends Error>(fn: () => unknown, cls: ErrorClass<E>): E {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) assert.unreachable(`expected ${cls.name}, got ${String(e)}`);
    return e as E;
  }
  assert.unreachable(`expected ${cls.name} to be thrown`);
  throw new Error("unreachable");
}

/** Resolves once `path` exists (an event written by a task), polling the file system. */
export async function untilExists(path: string): Promise<void> {
  const { existsSync } = await import("node:fs");
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 5));
}

/** Resolves once `predicate` holds, checking every few milliseconds; fails after `limitMs` (a hang guard, not a timing assertion). */
export async function until(predicate: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.unreachable(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}
