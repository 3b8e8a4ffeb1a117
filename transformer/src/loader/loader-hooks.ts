/**
 * Node module hooks (run by Node in its loader thread) that load `.ts`, `.mts`
 * and `.cts` files as the JavaScript `tspc` would emit for them with the tsray
 * transform (file-compiler.ts), and that resolve the `./x.js` spelling
 * TypeScript projects use to the `./x.ts` beside it when no `x.js` exists.
 * TypeScript is loaded lazily, on the first TypeScript file.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { TypeScript } from "../typescript-instance.js";
import { createFileCompiler, type FileCompiler } from "./file-compiler.js";

const TYPESCRIPT_FILE = /\.[cm]?ts$/;

interface ResolveContext {
  readonly parentURL?: string | undefined;
  readonly conditions?: readonly string[];
}
interface Resolved {
  readonly url: string;
  readonly format?: string | null | undefined;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<Resolved>;
interface LoadContext {
  readonly format?: string | null | undefined;
}
interface Loaded {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array | null | undefined;
  readonly shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: LoadContext) => Promise<Loaded>;

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<Resolved> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("file:");
    const jsSpelling = /\.([cm]?)js$/.exec(specifier);
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND" || !relative || !jsSpelling) throw error;
    // `import "./tasks.js"` written for `tasks.ts` (TypeScript's own convention for ES modules).
    return await nextResolve(`${specifier.slice(0, -jsSpelling[0].length)}.${jsSpelling[1] ?? ""}ts`, context);
  }
}

let compiler: FileCompiler | undefined;

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<Loaded> {
  if (!url.startsWith("file:") || !TYPESCRIPT_FILE.test(new URL(url).pathname)) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  compiler ??= createFileCompiler(loadTypeScript(fileName));
  const { js, format } = compiler.compile(fileName, readFileSync(fileName, "utf8"));
  return { format, source: js, shortCircuit: true };
}

/** The project's TypeScript (a peer dependency), found from the file being loaded, else from here. */
function loadTypeScript(fromFile: string): TypeScript {
  for (const base of [fromFile, import.meta.url]) {
    try {
      return createRequire(base)("typescript") as TypeScript;
    } catch {
      // try the next place
    }
  }
  throw new Error(
    "tsray/register: cannot find the `typescript` package to compile .ts files with. Install it in your project: npm install --save-dev typescript",
  );
}
