// Remote functions that call other remote functions from inside a worker.
import * as ray from "tsray";
import { add, fail, waitForFile } from "./basic.js";

export const awaitChild = ray.remote(async function awaitChild(message: string): Promise<number> {
  return ray.get(fail.remote(message));
});

export const catchChild = ray.remote(async function catchChild(message: string): Promise<string> {
  try {
    await ray.get(fail.remote(message));
    return "no error";
  } catch (e) {
    const cause = (e as Error).cause as Error;
    return `${(e as Error).name}:${cause.name}:${cause.message}`;
  }
});

export const putInside = ray.remote(function putInside(x: number): ray.ObjectRef<number> {
  return ray.put(x * 3);
});

export const addViaChild = ray.remote(async function addViaChild(x: number, y: number): Promise<number> {
  return ray.get(add.remote(x, y));
});

export const waitInside = ray.remote(async function waitInside(n: number): Promise<number> {
  const refs = Array.from({ length: n }, (_, i) => add.remote(i, 0));
  let done = 0;
  let pending = refs;
  while (pending.length > 0) {
    const [ready, rest] = await ray.wait(pending, { numReturns: 1 });
    done += ready.length;
    pending = rest;
  }
  return done;
});

/** Submits a child that waits for `gate`, records the child's object id in `started`, then waits for the child. */
export const parentOfGated = ray.remote(async function parentOfGated(gate: string, started: string): Promise<number> {
  const { writeFileSync } = await import("node:fs");
  const child = waitForFile.options({ numCpus: 0 }).remote(gate, 7);
  writeFileSync(started, child.id);
  return ray.get(child);
});

/**
 * Writes `started`, waits for `go`, then submits a child that waits for
 * `gate`, records the child's object id in `childFile` and waits for it: a
 * child submitted after the parent was cancelled.
 */
export const parentSubmitsLate = ray.remote(async function parentSubmitsLate(
  started: string,
  go: string,
  gate: string,
  childFile: string,
): Promise<number> {
  const { existsSync, writeFileSync } = await import("node:fs");
  writeFileSync(started, "");
  while (!existsSync(go)) await new Promise((r) => setTimeout(r, 5));
  const child = waitForFile.options({ numCpus: 0 }).remote(gate, 7);
  writeFileSync(childFile, child.id);
  return ray.get(child);
});
