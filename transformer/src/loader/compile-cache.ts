/**
 * The on-disk cache of the loader hook (register.ts): JavaScript compiled from a
 * `.ts` file, stored under a key that changes whenever the output could:
 * the file's text, the compiler options it was compiled with, the TypeScript
 * version and the transformer build (its version and the time its code was
 * last built, so a rebuilt transformer in a checkout never serves stale output).
 *
 * Driver and every worker thread and process run their own loader, so without
 * this each of them would compile the same files again (about a second each).
 * Writes go to a temporary name and are renamed into place: a reader sees a
 * whole entry or none, whichever of several concurrent writers wins.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CompileCache {
  /** The cached output for this key, if any; `extension` tells entries of one key apart (default `.js`: the JavaScript). */
  read(key: string, extension?: string): string | undefined;
  write(key: string, output: string, extension?: string): void;
}

/** The key of one compilation: every input the emitted JavaScript depends on. */
export function compileKey(parts: {
  readonly text: string;
  readonly fileName: string;
  readonly options: unknown;
  readonly typeScriptVersion: string;
  readonly transformerBuild: string;
  /** Classes of the file that remote signatures send (registered in it), as the loader knows them. */
  readonly sends?: readonly string[];
}): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/**
 * The cache directory: `TSRAY_CACHE_DIR` if set, else `node_modules/.cache/tsray`
 * of the project when it has a node_modules folder, else one under the OS temp
 * folder. A folder that cannot be written turns the cache off, never the loader.
 */
export function openCompileCache(dir: string): CompileCache {
  let usable = true;
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    usable = false;
  }
  return {
    read(key, extension = ".js") {
      if (!usable) return undefined;
      try {
        return readFileSync(join(dir, `${key}${extension}`), "utf8");
      } catch {
        return undefined;
      }
    },
    write(key, output, extension = ".js") {
      if (!usable) return;
      const temporary = join(dir, `${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
      try {
        writeFileSync(temporary, output);
        renameSync(temporary, join(dir, `${key}${extension}`));
      } catch {
        // A full disk or a read-only folder: compile again next time.
      }
    },
  };
}

export function defaultCacheDir(projectDir: string | undefined): string {
  const fromEnv = process.env["TSRAY_CACHE_DIR"];
  if (fromEnv) return fromEnv;
  if (projectDir !== undefined && existsSync(join(projectDir, "node_modules"))) return join(projectDir, "node_modules", ".cache", "tsray");
  return join(tmpdir(), "tsray-loader-cache");
}
