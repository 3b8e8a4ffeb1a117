/**
 * Which TypeScript versions the transform works with, checked once when the
 * transformer loads, so that a project on an unsuitable version reads one
 * sentence saying so and what to install, instead of a cascade of errors.
 *
 * The package's peer range (`typescript: ">=5.0.0 <7"`) is deliberately wider
 * than what works: npm then installs the transformer next to the user's
 * TypeScript and this message explains, rather than `npm install` stopping with
 * an ERESOLVE report. TypeScript 7 is left out of the peer range because it
 * never gets this far: it is the native compiler, ts-patch cannot load it.
 *
 * What works, checked by compiling and running the README's example from the
 * packed tarballs: 5.4.5, 5.5.4, 5.8.3, 5.9.3 (the version CI tests) and 6.0.3.
 * 5.0 to 5.3 stop on tsray's own declaration files (TS2370 on the variadic
 * rest parameters of `remote-types.d.ts`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/** The version range that works, and the one to install when it does not. */
export const SUPPORTED_TYPESCRIPT = { oldest: "5.4", below: "7", tested: "~5.9.3" } as const;

/**
 * Given a TypeScript version, produces the message for a version outside
 * SUPPORTED_TYPESCRIPT, or undefined for one inside it.
 * Given "5.3.3" produces a message naming 5.4 and `typescript@~5.9.3`;
 * given "5.9.3" or "6.0.3" produces undefined.
 */
export function typeScriptVersionProblem(version: string, location: string): string | undefined {
  const [major = NaN, minor = NaN] = version.split(".").map(Number);
  const [oldestMajor, oldestMinor] = SUPPORTED_TYPESCRIPT.oldest.split(".").map(Number) as [number, number];
  const install = `npm install --save-dev typescript@${SUPPORTED_TYPESCRIPT.tested}`;
  if (Number.isNaN(major) || Number.isNaN(minor)) return undefined; // not a release number: nothing to say
  if (major < oldestMajor || (major === oldestMajor && minor < oldestMinor)) {
    return (
      `@tsray/transformer: this project compiles with TypeScript ${version} (${location}), ` +
      `which cannot read tsray's types (errors such as TS2370 in node_modules/tsray follow). ` +
      `TypeScript ${SUPPORTED_TYPESCRIPT.oldest} or newer is needed: ${install}`
    );
  }
  if (major >= Number(SUPPORTED_TYPESCRIPT.below)) {
    return (
      `@tsray/transformer: this project compiles with TypeScript ${version} (${location}), ` +
      `which the transform does not run in: it needs TypeScript ${SUPPORTED_TYPESCRIPT.oldest} up to ` +
      `${SUPPORTED_TYPESCRIPT.below} (not included; ${SUPPORTED_TYPESCRIPT.below} is the native compiler, which loads no plugins). ${install}`
    );
  }
  return undefined;
}

/**
 * The TypeScript that the running compiler loaded: the one ts-patch resolves
 * (from its own folder, or TSP_COMPILER_TS_PATH when set), which in an npm
 * project is the one resolved from the program being run (`tspc`, `tsserver`).
 * Resolving from the main script works the same in this package's ESM and
 * CommonJS builds; undefined when there is none to be found.
 */
export function runningTypeScript(): { version: string; location: string } | undefined {
  try {
    const override = process.env["TSP_COMPILER_TS_PATH"];
    const manifest = override
      ? join(resolve(override), "package.json")
      : createRequire(resolve(process.argv[1] ?? join(process.cwd(), "index.js"))).resolve("typescript/package.json");
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
    return typeof version === "string" ? { version, location: join(manifest, "..") } : undefined;
  } catch (error) {
    // No TypeScript where the main script can see it (a bundled or global compiler): the
    // version is unknown, and guessing would be worse than saying nothing.
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" || (error as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw error;
  }
}

const running = runningTypeScript();
const problem = running && typeScriptVersionProblem(running.version, running.location);
if (problem) process.stderr.write(`${problem}\n`);
