// Assertions the runtime suites share (uvu has no async `rejects`, and its
// `throws` treats a class as a predicate).
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

/**
 * The files through which `hold`-style remote functions report that they started and are let go:
 * each `fresh()` makes a new directory, a task writes `started-<id>` there and waits for
 * `release-<id>`. Concurrency is observed through these events, never through sleeps.
 */
export function holdSignals(prefix: string) {
  let dir = "";
  return {
    get dir(): string {
      return dir;
    },
    fresh(): void {
      dir = mkdtempSync(join(tmpdir(), prefix));
    },
    release(id: string): void {
      writeFileSync(join(dir, `release-${id}`), "");
    },
    isStarted(id: string): boolean {
      return existsSync(join(dir, `started-${id}`));
    },
    /** What the task wrote into its start file. */
    report(id: string): unknown {
      return JSON.parse(readFileSync(join(dir, `started-${id}`), "utf8"));
    },
  };
}

/** Tees everything written to the process's stderr into `lines` until `restore()`. */
export function captureStderr(): { readonly lines: string[]; restore(): void } {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  return { lines, restore: () => void (process.stderr.write = write) };
}
