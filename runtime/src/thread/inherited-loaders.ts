/**
 * Makes a worker thread load modules the way the driver does when the driver
 * was started with a loader (`node --import <loader> main.ts`).
 *
 * A worker thread inherits the driver's `execArgv`, so Node runs the same
 * `--import` modules in it first. Most loaders (tsray/register among them)
 * then call `module.register` for that thread and need nothing more. tsx does
 * not: on Node before 22.22.3 it registers its hooks only in the main thread
 * (`isMainThread`), so a worker that imports the user's `.ts` module fails with
 * "Unknown file extension .ts". For it, the thread registers tsx's hooks
 * itself through tsx's public API (`tsx/esm/api`), resolved from the folder
 * Node resolved `--import tsx` from (the current directory). Child processes
 * are main threads: tsx registers there by itself.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";

/** Given `["--import", "tsx", "--foo"]` or `["--import=tsx"]`, produces `["tsx"]`. */
export function importedLoaders(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    for (const flag of ["--import", "--loader", "--experimental-loader"]) {
      if (arg === flag && i + 1 < execArgv.length) out.push(execArgv[++i]!);
      else if (arg.startsWith(`${flag}=`)) out.push(arg.slice(flag.length + 1));
    }
  }
  return out;
}

/**
 * Node versions on which tsx (4.21 and later) registers its hooks in worker threads itself
 * (tsx's own `isFeatureSupported` table: 22.22.3+, 24.11.1+, 25.1+, 26+): there registering
 * again would run its hooks twice.
 * Given "20.20.2" or "22.12.0" produces false; given "22.22.3" or "24.12.0" produces true.
 */
export function tsxRegistersInWorkers(nodeVersion: string): boolean {
  const [major = 0, minor = 0, patch = 0] = nodeVersion.split(".").map(Number);
  const since: Record<number, [number, number]> = { 22: [22, 3], 24: [11, 1], 25: [1, 0] };
  const from = since[major];
  if (from === undefined) return major >= 26;
  return minor > from[0] || (minor === from[0] && patch >= from[1]);
}

/** Registers, in this worker thread, the hooks of loaders that register only in the main thread. */
export async function registerInheritedLoaders(): Promise<void> {
  if (isMainThread || tsxRegistersInWorkers(process.versions.node)) return;
  const tsx = importedLoaders(process.execArgv).some((l) => l === "tsx" || l === "tsx/esm");
  if (!tsx) return;
  // The ES module build of `tsx/esm/api` (its `import` export): `require.resolve` would give the CommonJS one.
  const manifestPath = createRequire(join(process.cwd(), "[tsray]")).resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports: Record<string, { import?: { default?: string } }> };
  const entry = manifest.exports["./esm/api"]?.import?.default;
  if (entry === undefined) throw new Error(`tsray: this tsx (${manifestPath}) has no "tsx/esm/api" export to register its loader in worker threads with; use tsx 4.`);
  const { register } = (await import(pathToFileURL(join(dirname(manifestPath), entry)).href)) as { register: () => unknown };
  register();
}
