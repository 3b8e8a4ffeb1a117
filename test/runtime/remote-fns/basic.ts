// Remote functions for the runtime suites, in the hand-written spelling.
// No top-level side effects: worker threads import this module.
import * as ray from "tsray";

export const add = ray.remote(function add(x: number, y: number): number {
  return x + y;
});

export const addAsync = ray.remote(async function addAsync(x: number, y: number): Promise<number> {
  await new Promise((r) => setImmediate(r));
  return x + y;
});

export const echo = ray.remote(function echo<T>(x: T): T {
  return x;
});

export const pair = ray.remote(function pair(x: number): [number, string] {
  return [x * 2, `n${x}`];
});

export const sumNested = ray.remote(async function sumNested(box: { refs: ray.ObjectRef<number>[] }): Promise<number> {
  const values = await ray.get(box.refs);
  return values.reduce((a, b) => a + b, 0);
});

export const isRef = ray.remote(function isRef(box: { ref: unknown }): boolean {
  return box.ref instanceof ray.ObjectRef;
});

export const makeRef = ray.remote(function makeRef(x: number): ray.ObjectRef<number> {
  return ray.put(x);
});

export const fail = ray.remote(function fail(message: string): never {
  throw new RangeError(message);
});

export const failAsync = ray.remote(async function failAsync(message: string): Promise<number> {
  await new Promise((r) => setImmediate(r));
  throw new TypeError(message);
});

export const byteLength = ray.remote(function byteLength(data: Float64Array): number {
  return data.byteLength;
});

export const bigArray = ray.remote(function bigArray(n: number): Float64Array {
  return new Float64Array(n).fill(1.5);
});

/** Resolves once the file at `path` exists (created by the test), so tests need no sleeps. */
export const waitForFile = ray.remote(async function waitForFile(path: string, value: number): Promise<number> {
  const { existsSync } = await import("node:fs");
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 5));
  return value;
});

async function fib(n: number): Promise<number> {
  if (n < 2) return n;
  const [a, b] = await ray.get([remoteFib.remote(n - 1), remoteFib.remote(n - 2)]);
  return a + b;
}
export const remoteFib = ray.remote(fib);

export const context = ray.remote(function context(): ray.RuntimeContext {
  return ray.getRuntimeContext();
});

/** Throws a RangeError the first time (creating `marker`), then succeeds. */
export const failOnce = ray.remote(async function failOnce(marker: string): Promise<string> {
  const { existsSync, writeFileSync } = await import("node:fs");
  if (existsSync(marker)) return "second try";
  writeFileSync(marker, "");
  throw new RangeError("first try fails");
});

/** Ends its worker thread the first time (creating `marker`), then succeeds. */
export const crashOnce = ray.remote(async function crashOnce(marker: string): Promise<string> {
  const { existsSync, writeFileSync } = await import("node:fs");
  if (existsSync(marker)) return "survived";
  writeFileSync(marker, "");
  process.exit(1);
});

/** Always ends its worker thread. */
export const crashAlways = ray.remote(function crashAlways(): number {
  process.exit(1);
});

/** Logs through every console method, after an await so interleaved calls are told apart. */
export const chatty = ray.remote(async function chatty(tag: string, gate: string): Promise<string> {
  const { existsSync } = await import("node:fs");
  console.log(`log ${tag}`);
  while (!existsSync(gate)) await new Promise((r) => setTimeout(r, 5));
  console.info(`info ${tag}\nsecond line ${tag}`);
  console.warn(`warn ${tag}`);
  console.error(`error ${tag}`);
  return tag;
});

/** Creates `started`, then resolves once `gate` exists: lets a test know the task is running. */
export const startThenWait = ray.remote(async function startThenWait(started: string, gate: string): Promise<number> {
  const { existsSync, writeFileSync } = await import("node:fs");
  writeFileSync(started, "");
  while (!existsSync(gate)) await new Promise((r) => setTimeout(r, 5));
  return 1;
});

/** Writes into its first argument and returns what the second holds at index 0 afterwards. */
export const writeFirstReadSecond = ray.remote(function writeFirstReadSecond(a: Float64Array, b: Float64Array): number {
  a[0] = 42;
  return b[0]!;
});

/** Leaves a rejected promise unawaited, then returns normally. */
export const forgetsRejection = ray.remote(async function forgetsRejection(): Promise<string> {
  void Promise.reject(new Error("nobody awaited me"));
  await new Promise((r) => setTimeout(r, 1));
  return "still fine";
});

/** What `tsray/stubs` says inside a worker thread. */
export const stubsInWorker = ray.remote(async function stubsInWorker(): Promise<boolean> {
  const stubs = await import("tsray/stubs");
  return stubs.inWorker;
});

/** Creates `<dir>/<me>` and resolves once `<dir>/<other>` exists: two of these finish only if they run at the same time. */
export const rendezvous = ray.remote(async function rendezvous(dir: string, me: string, other: string): Promise<string> {
  const { existsSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  writeFileSync(join(dir, me), "");
  while (!existsSync(join(dir, other))) await new Promise((r) => setTimeout(r, 5));
  return me;
});

/** Puts and gets `n` 1 MiB arrays and runs `n` tasks returning 1 MiB each, keeping no ref; then lets this thread's GC run. */
export const churnInWorker = ray.remote(async function churnInWorker(n: number): Promise<number> {
  const MiB = 1 << 20;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await ray.get(ray.put(new Float64Array(MiB / 8).fill(1))))[0]!;
  for (let i = 0; i < n; i++) sum += (await ray.get(bigArray.remote(MiB / 8)))[0]!;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 20 && gc !== undefined; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return sum;
});

/** `ray.isWorker()` as a task sees it. */
export const isWorkerInTask = ray.remote(function isWorkerInTask(): boolean {
  return ray.isWorker();
});

/** Asks ray.put to send a function: tsray throws inside the task, below this function's frame. */
export const putsAFunction = ray.remote(function putsAFunction(): number {
  ray.put((() => 1) as never);
  return 0;
});
