#!/usr/bin/env node
// `npm run pack`: builds every publishable package of the workspace (those not
// marked "private") and writes installable tarballs to dist-packages/, e.g.
//   dist-packages/tsray-0.1.0.tgz              (runtime/)
//   dist-packages/tsray-transformer-0.1.0.tgz  (transformer/)
// which a project anywhere installs by path: `npm install /…/tsray-0.1.0.tgz`.
// `npm run pack -- --out <dir>` writes them to <dir> instead (emptied first).
//
// Invariants of every tarball:
// - it holds exactly what `npm pack` in the package folder would (package.json
//   "files", README, package.json), plus the repository's LICENSE;
// - its build output is current: `tspc -b` runs first, and a file in an outDir
//   that no source produces (left by a moved or deleted source) stops the pack
//   rather than being shipped.
// Packing happens in a staging copy in the OS temp folder, so the checkout is
// only read (and built), never written to outside dist-packages/.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findStaleOutputs } from "./stale-outputs.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: flags } = parseArgs({ options: { out: { type: "string" } } });
const outDir = resolve(flags.out ?? join(root, "dist-packages"));

// npm passes its own configuration to scripts as npm_* variables (the
// workspace's prefix among them); an npm started from here must not inherit it.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
const npm = (args, cwd) => execFileSync("npm", args, { cwd, env: npmEnv, encoding: "utf8" });

/** Workspace folders named by the root package.json (`dir` or `dir/*`). */
function workspaceDirs() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
}

const packages = workspaceDirs()
  .filter((dir) => existsSync(join(root, dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true);

const built = packages.map((p) => p.dir).filter((dir) => existsSync(join(root, dir, "tsconfig.json")));
if (built.length > 0) {
  console.log(`pack: building ${built.join(", ")}`);
  execFileSync(join(root, "node_modules", ".bin", "tspc"), ["-b", ...built], { cwd: root, stdio: "inherit" });
}

const problems = [];
for (const { dir } of packages) {
  for (const file of findStaleOutputs(join(root, dir))) {
    problems.push(`${dir}/${file} is left from an earlier build (no source produces it)`);
  }
  if (!existsSync(join(root, dir, "README.md"))) problems.push(`${dir}/README.md is missing: every package ships one`);
}
if (problems.length > 0) {
  console.error(`pack: nothing packed:\n  ${problems.join("\n  ")}\nRun \`npm run clean\`, then \`npm run pack\` again.`);
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir);
const staging = mkdtempSync(join(tmpdir(), "tsray-pack-"));
try {
  for (const { dir, manifest } of packages) {
    const [listing] = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], join(root, dir)));
    const stage = join(staging, dir);
    for (const { path } of listing.files) {
      mkdirSync(dirname(join(stage, path)), { recursive: true });
      copyFileSync(join(root, dir, path), join(stage, path));
    }
    if (!listing.files.some(({ path }) => /^licen[cs]e/i.test(path))) copyFileSync(join(root, "LICENSE"), join(stage, "LICENSE"));
    const [packed] = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", outDir], stage));
    const tarball = join(outDir, packed.filename);
    console.log(`pack: ${manifest.name}@${manifest.version} → ${relative(process.cwd(), tarball)} (${packed.entryCount} files)`);
  }
} finally {
  rmSync(staging, { recursive: true, force: true });
}
