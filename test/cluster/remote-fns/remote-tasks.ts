// Remote functions of the remote-tasks suite (tasks on node processes). No top-level side effects: workers import this.
import { existsSync } from "node:fs";
import * as ray from "tsray";
import { seededArray } from "./array-pattern.js";

/** Where the task ran. */
export const whereAmI = ray.remote(function whereAmI(): string {
  return ray.getRuntimeContext().nodeId;
});

/** The node it ran on, after `ms` (so tasks overlap and spread). */
export const slowWhere = ray.remote(async function slowWhere(ms: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ray.getRuntimeContext().nodeId;
});

/** Sums a typed array and says where (an argument crossing to the node). */
export const sumWhere = ray.remote(function sumWhere(a: Float64Array): { nodeId: string; length: number; sum: number } {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  return { nodeId: ray.getRuntimeContext().nodeId, length: a.length, sum };
});

/** `length` numbers following one pattern per `seed`, made where the task runs (a result crossing back). */
export const makeArray = ray.remote(function makeArray(length: number, seed: number): Float64Array {
  return seededArray(length, seed);
});

/** Fails with a message. */
export const fails = ray.remote(function fails(why: string): never {
  throw new Error(why);
});

/** Writes `marker` to stdout once it runs, then waits (killed with its node in the test). */
export const hangs = ray.remote(async function hangs(marker: string): Promise<string> {
  process.stdout.write(`${marker}\n`);
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  return ray.getRuntimeContext().nodeId;
});

/** Holds its CPU until the file at `path` exists (polled), then says where it ran. */
export const holdsUntilFile = ray.remote(async function holdsUntilFile(path: string): Promise<string> {
  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 20));
  return ray.getRuntimeContext().nodeId;
});
