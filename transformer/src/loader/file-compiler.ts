/**
 * Compiles one TypeScript file to the JavaScript `tspc` emits for it with the
 * tsray transform, for the loader hook (loader-hooks.ts), which has no build.
 *
 * The transform needs a checker (a decorator is ours when it resolves to
 * tsray's `remote`), so this builds a small program rooted at the file, with
 * the options of the nearest tsconfig.json, runs the same program transformer
 * `tspc` runs (plugin-entry.ts) and emits that one file. Options that decide
 * where and how output is written are replaced (nothing is written; a source
 * map is inlined so stack traces point at the `.ts` lines); those that decide
 * what the JavaScript is (target, module, ...) are the project's own. Ids of
 * remote functions are relative to the tsconfig's folder, as with `tspc`.
 *
 * Files parsed once (lib and package declarations) are kept for the next file
 * of the same loader: only the first compile in a thread pays for them.
 *
 * Classes that remote signatures send are registered in their own file
 * (plugin-entry.ts), which needs the whole program: this loader remembers,
 * for its thread, which classes of which files the programs it built found
 * sent (`autoClasses`), and each file is compiled with its remembered ones
 * (they are part of its cache key; all that a compile's program found is
 * cached beside its output, so a cached compile teaches the loader the same). The entry module is
 * compiled first and its program reaches every file it imports, types
 * included, so that covers the statically imported program.
 *
 * The cache key holds this file's text, not its imports': what the emit reads
 * from other files (import elision without `isolatedModules`) is not in it.
 * With `isolatedModules` (which tsx, esbuild and SWC require too) the emit of
 * a file depends on that file alone.
 */
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as ts from "typescript";
import { compileKey, defaultCacheDir, openCompileCache, type CompileCache } from "./compile-cache.js";
import { transformProgram } from "../plugin-entry.js";
import type { TypeScript } from "../typescript-instance.js";

export interface CompiledFile {
  readonly js: string;
  /** "module" unless the project's options make TypeScript emit CommonJS. */
  readonly format: "module" | "commonjs";
}

export interface FileCompiler {
  compile(fileName: string, text: string): CompiledFile;
}

/** What a project's tsconfig gives, read once per tsconfig. */
interface ProjectSettings {
  readonly configFile: string | undefined;
  readonly options: ts.CompilerOptions;
  readonly cache: CompileCache;
}

/** Cache entries beside a file's JavaScript: the classes its program found sent (`[fileName, classNames][]`). */
const SENDS = ".sends.json";

/** The options that only say where output goes or what else is written: never the loader's business. */
const LOADER_OPTIONS: ts.CompilerOptions = {
  noEmit: false,
  noEmitOnError: false,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
  composite: false,
  incremental: false,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
};

export function createFileCompiler(ts: TypeScript): FileCompiler {
  const projects = new Map<string, ProjectSettings>();
  const transformerBuild = transformerBuildTag();
  /** Parsed files by name, kept for the life of this loader thread (lib and package declarations, imported modules). */
  const parsed = new Map<string, ts.SourceFile>();
  let previous: ts.Program | undefined;
  /** File name → classes of it that remote signatures send (see the file comment). */
  const autoClasses = new Map<string, Set<string>>();

  function settingsFor(fileName: string): ProjectSettings {
    const configFile = ts.findConfigFile(dirname(fileName), ts.sys.fileExists);
    const known = projects.get(configFile ?? "");
    if (known) return known;
    let options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
    };
    if (configFile !== undefined) {
      const read = ts.readConfigFile(configFile, ts.sys.readFile);
      const parsedConfig = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(configFile), undefined, configFile);
      options = parsedConfig.options;
    }
    const projectDir = configFile !== undefined ? dirname(configFile) : undefined;
    options = { ...options, ...LOADER_OPTIONS };
    for (const where of ["outDir", "outFile", "rootDir", "declarationDir", "tsBuildInfoFile"] as const) delete options[where];
    const settings = { configFile, options, cache: openCompileCache(defaultCacheDir(projectDir)) };
    projects.set(configFile ?? "", settings);
    return settings;
  }

  function compile(fileName: string, text: string): CompiledFile {
    const { configFile, options, cache } = settingsFor(fileName);
    const format = emitsCommonJs(ts, options, fileName) ? "commonjs" : "module";
    const sends = [...(autoClasses.get(fileName) ?? [])].sort();
    const key = compileKey({ text, fileName, options, typeScriptVersion: ts.version, transformerBuild, sends });
    const cached = cache.read(key);
    const cachedFound = cached === undefined ? undefined : cache.read(key, SENDS);
    if (cached !== undefined && cachedFound !== undefined) {
      remember(JSON.parse(cachedFound) as [string, string[]][]);
      return { js: cached, format };
    }

    const host = ts.createCompilerHost(options);
    const readSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
      if (name === fileName) return ts.createSourceFile(name, text, languageVersion, true);
      const known = parsed.get(name);
      if (known && !shouldCreate) return known;
      const file = readSourceFile(name, languageVersion, onError, shouldCreate);
      if (file) parsed.set(name, file);
      return file;
    };
    const program = ts.createProgram({
      rootNames: [fileName],
      options: configFile !== undefined ? { ...options, configFilePath: configFile } : options,
      host,
      ...(previous ? { oldProgram: previous } : {}),
    });
    previous = program;
    const found: [string, string[]][] = [];
    const onAutoClass = (file: string, name: string) => {
      const entry = found.find(([f]) => f === file);
      if (entry) entry[1].push(name);
      else found.push([file, [name]]);
    };
    const view = transformProgram(program, host, undefined, { ts, autoClasses, onAutoClass });
    remember(found);
    const source = view.getSourceFile(fileName);
    let js: string | undefined;
    view.emit(source, (name, output) => {
      if (/\.[cm]?js$/.test(name)) js = output;
    });
    if (js === undefined) {
      throw new Error(`tsray/register: TypeScript emitted no JavaScript for ${fileName}; check "noEmit" and "emitDeclarationOnly" are not forced on it.`);
    }
    cache.write(key, js);
    cache.write(key, JSON.stringify(found), SENDS);
    return { js, format };
  }

  function remember(found: readonly [string, readonly string[]][]): void {
    for (const [file, names] of found) {
      let known = autoClasses.get(file);
      if (known === undefined) autoClasses.set(file, (known = new Set()));
      for (const name of names) known.add(name);
    }
  }

  return { compile };
}

/** Whether TypeScript emits `fileName` as CommonJS under `options` (module CommonJS, or NodeNext in a CommonJS package). */
function emitsCommonJs(ts: TypeScript, options: ts.CompilerOptions, fileName: string): boolean {
  if (fileName.endsWith(".mts")) return false;
  if (fileName.endsWith(".cts")) return true;
  const kind = options.module;
  if (kind === ts.ModuleKind.CommonJS) return true;
  if (kind === ts.ModuleKind.Node16 || kind === ts.ModuleKind.NodeNext) {
    const format = ts.getImpliedNodeFormatForFile(fileName as ts.Path, undefined, ts.sys, options);
    return format === ts.ModuleKind.CommonJS;
  }
  return false;
}

/**
 * The transformer's version and when its code was built: part of every cache key, so output
 * from an older transform is never reused (in a checkout the version stays while the code moves).
 */
function transformerBuildTag(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const version = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
  let newest = 0;
  for (const name of readdirSync(here)) if (name.endsWith(".js")) newest = Math.max(newest, statSync(join(here, name)).mtimeMs);
  return `${version}@${newest}`;
}
