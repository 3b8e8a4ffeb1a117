// Build output that no current source produces: the `.js`/`.d.ts`/`.map` left
// in an outDir after a source file was moved or deleted. `tspc -b` never
// removes such files, and `npm pack` would ship them.
//
// Given a package folder, reads its tsconfig.json and the project references
// that live inside the folder (transformer/ builds ESM and CommonJS from two),
// asks TypeScript which files each project emits, and returns every file in
// those projects' outDirs that is not among them.
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

/** @param {string} packageDir @returns {string[]} paths relative to packageDir */
export function findStaleOutputs(packageDir) {
  const expected = new Set();
  const outDirs = new Set();
  const seen = new Set();
  const visit = (configPath) => {
    if (seen.has(configPath)) return;
    seen.add(configPath);
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    });
    if (!parsed) throw new Error(`cannot read ${configPath}`);
    const { outDir } = parsed.options;
    if (outDir) outDirs.add(outDir);
    for (const file of parsed.fileNames) {
      for (const output of ts.getOutputFileNames(parsed, file, !ts.sys.useCaseSensitiveFileNames)) {
        expected.add(resolve(output));
      }
    }
    const buildInfo = ts.getTsBuildInfoEmitOutputFilePath(parsed.options);
    if (buildInfo) expected.add(resolve(buildInfo));
    for (const ref of parsed.projectReferences ?? []) {
      const refConfig = ts.resolveProjectReferencePath(ref);
      if (!relative(packageDir, refConfig).startsWith("..")) visit(resolve(refConfig));
    }
  };
  const rootConfig = resolve(packageDir, "tsconfig.json");
  if (!existsSync(rootConfig)) return []; // a package of plain files has no build output
  visit(rootConfig);

  const stale = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (error?.code === "ENOENT") return; // an outDir never built holds nothing stale
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!expected.has(resolve(path))) stale.push(relative(packageDir, path));
    }
  };
  for (const outDir of outDirs) walk(outDir);
  return stale.sort();
}
