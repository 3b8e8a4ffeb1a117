/**
 * Compiles a fixture project with the real `tspc` (node_modules/.bin/tspc),
 * through the plugin entry written in the fixture's tsconfig.json exactly as
 * users write it.
 *
 * Fixture projects live in test/fixtures/transformer/<name>/. Each run copies
 * the project into the repo's gitignored `.tsray-test-tmp/` (inside the repo,
 * so `tsray` and `@tsray/transformer` resolve through /work/main/node_modules
 * as in a user's project) and compiles there: nothing is written into the
 * fixtures. Given `copyFixtureProject("type-checks")` then `runTspc(dir)`,
 * produces the exit code, the raw output and the parsed diagnostics.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const fixturesRoot = join(repoRoot, "test", "fixtures", "transformer");
export const tspcBin = join(repoRoot, "node_modules", ".bin", "tspc");
const tempRoot = join(repoRoot, ".tsray-test-tmp");

export interface TspcDiagnostic {
  /** Path as tspc prints it with `--pretty false` (relative to the project copy). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: number;
  /** The first line of the message. */
  readonly message: string;
}

export interface TspcResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly diagnostics: readonly TspcDiagnostic[];
}

let copies = 0;

/** A fresh copy of `test/fixtures/transformer/<name>` in `.tsray-test-tmp/`; returns its folder. */
export function copyFixtureProject(name: string): string {
  const dir = join(tempRoot, `${name.replace(/\W+/g, "-")}-${process.pid}-${++copies}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(tempRoot, { recursive: true });
  cpSync(join(fixturesRoot, name), dir, { recursive: true });
  return dir;
}

export function removeProjectCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `tspc <args> --pretty false` in `cwd` and waits for it to exit. */
export function runTspc(cwd: string, args: readonly string[]): Promise<TspcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tspcBin, [...args, "--pretty", "false"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ exitCode, output, diagnostics: parseDiagnostics(output) }));
  });
}

/** `src/a.ts(3,5): error TS2345: Argument …` lines of tspc's `--pretty false` output. */
export function parseDiagnostics(output: string): TspcDiagnostic[] {
  const found: TspcDiagnostic[] = [];
  for (const match of output.matchAll(/^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/gm)) {
    const [, file, line, column, code, message] = match as unknown as [string, string, string, string, string, string];
    found.push({ file, line: Number(line), column: Number(column), code: Number(code), message });
  }
  return found;
}

/** One line per diagnostic, for assertion messages. */
export function describe(diagnostics: readonly TspcDiagnostic[]): string {
  return diagnostics.map((d) => `${d.file}(${d.line},${d.column}): TS${d.code} ${d.message}`).join("\n") || "(none)";
}
