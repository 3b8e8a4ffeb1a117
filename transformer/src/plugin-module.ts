/**
 * The package's main export: the one function that both tools load from the
 * single tsconfig entry
 *   { "transform": "@tsray/transformer", "transformProgram": true, "name": "@tsray/transformer" }
 * told apart by how they call it:
 *  - tsserver calls `factory({ typescript })` and expects `{ create(info) }`: the editor plugin
 *    (language-service-plugin.ts);
 *  - ts-patch, for an entry with `"transformProgram": true`, calls
 *    `factory(program, host, config, extras)` with `extras.ts`: the program transformer
 *    (plugin-entry.ts);
 *  - ts-patch, for an entry without it, calls `factory(program, config, extras)` and would use
 *    the result as an emit transformer, after type checking, which cannot work: refused with a
 *    message naming the key to add.
 */
import type * as ts from "typescript";
import { createLanguageServicePlugin, type LanguageServicePlugin } from "./language-service-plugin.js";
import { transformProgram, type ProgramTransformerExtras } from "./plugin-entry.js";
import type { TypeScript } from "./typescript-instance.js";

/** What tsserver passes a plugin factory. */
export interface TsserverModules {
  readonly typescript: TypeScript;
}

export function tsrayPlugin(modules: TsserverModules): LanguageServicePlugin;
export function tsrayPlugin(
  program: ts.Program,
  host: ts.CompilerHost | undefined,
  config: unknown,
  extras: ProgramTransformerExtras,
): ts.Program;
export function tsrayPlugin(first: unknown, host?: unknown, config?: unknown, extras?: unknown): unknown {
  if (hasTypeScript(first, "typescript")) return createLanguageServicePlugin(first.typescript);
  if (hasTypeScript(extras, "ts")) {
    return transformProgram(first as ts.Program, host as ts.CompilerHost | undefined, config, extras);
  }
  if (hasTypeScript(config, "ts")) throw new Error(MISSING_TRANSFORM_PROGRAM);
  throw new Error(
    "@tsray/transformer was called neither by ts-patch as a program transformer nor by tsserver as a plugin. " +
      'Enable it in tsconfig.json: "plugins": [{ "transform": "@tsray/transformer", "transformProgram": true, ' +
      '"name": "@tsray/transformer" }], and compile with `tspc`.',
  );
}

export const MISSING_TRANSFORM_PROGRAM =
  '@tsray/transformer must run before type checking, as a program transformer: add "transformProgram": true ' +
  'to its entry in tsconfig.json, i.e. "plugins": [{ "transform": "@tsray/transformer", "transformProgram": true, ' +
  '"name": "@tsray/transformer" }]. Without it ts-patch runs the plugin after type checking, when ' +
  "@ray.remote functions have already failed to type-check.";

function hasTypeScript<K extends string>(value: unknown, key: K): value is Record<K, TypeScript> {
  if (typeof value !== "object" || value === null) return false;
  const candidate = (value as Record<string, unknown>)[key] as { createProgram?: unknown } | undefined;
  return typeof candidate === "object" && candidate !== null && typeof candidate.createProgram === "function";
}
