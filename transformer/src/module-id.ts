/**
 * Stable ids for remote functions and classes (stub ABI v1): the defining
 * file's path relative to the project directory (the tsconfig's folder), with
 * `/` separators, then `#` and the declared name. The same on every machine
 * that has the same code, whatever the absolute checkout path.
 *
 * Given project dir `/home/a/app` and file `/home/a/app/src/tasks.ts`,
 * `remoteId(…, "add")` produces `src/tasks.ts#add`.
 */
import * as path from "node:path";

/** `src/tasks.ts` for `/project/src/tasks.ts` under `/project`. */
export function projectRelativePath(projectDir: string, fileName: string): string {
  const relative = path.posix.relative(toPosix(projectDir), toPosix(fileName));
  return relative === "" ? path.posix.basename(toPosix(fileName)) : relative;
}

export function remoteId(projectDir: string, fileName: string, name: string): string {
  return `${projectRelativePath(projectDir, fileName)}#${name}`;
}

/**
 * The project directory for a compilation: the folder of the tsconfig when
 * there is one (`compilerOptions.configFilePath`, set by tsc), else the
 * compiler's current directory.
 */
export function projectDirOf(configFilePath: unknown, currentDirectory: string): string {
  return typeof configFilePath === "string" ? path.dirname(configFilePath) : currentDirectory;
}

function toPosix(p: string): string {
  return p.replace(/\\/g, "/");
}
