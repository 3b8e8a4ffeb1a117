/**
 * Writes a ready tsray project into a new folder: the files of templates/default
 * (with `{{name}}` replaced by the package name, and `gitignore` renamed to
 * `.gitignore`, since npm leaves files named .gitignore out of a published
 * package), plus a package.json made here, because its dependency specs depend
 * on where the tsray packages come from.
 *
 * Invariant: nothing is written unless the target folder is new or empty, so a
 * user's files are never overwritten.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tsrayPackageSpecs } from "./tsray-packages.js";

const TEMPLATE = fileURLToPath(new URL("../templates/default/", import.meta.url));

/** Files of the template whose text names the project. */
const NAMED_FILES = ["README.md"];

export interface ScaffoldOptions {
  /** The folder to create, relative to `cwd`; its last segment names the package. */
  readonly directory: string;
  /** Folder of `npm run pack` tarballs to depend on instead of the published packages. */
  readonly tsrayFrom?: string | undefined;
  readonly cwd?: string;
}

export interface ScaffoldResult {
  /** Absolute path of the new project. */
  readonly root: string;
  readonly packageName: string;
  /** Every file written, relative to `root`, sorted. */
  readonly files: readonly string[];
}

// npm's rules for a new package name, in short: lower case, URL-safe, at most 214 characters.
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._~-]*$/;

export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, options.directory);
  const packageName = basename(root);
  if (!PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw new Error(
      `"${packageName}" cannot be an npm package name: use lower-case letters, digits and - . _ ~ (for example my-app).`,
    );
  }
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new Error(`${root} already exists and is not empty: choose a new folder name, or empty that folder first.`);
  }
  // Resolved before anything is written, so a wrong --tsray-from leaves no half-made project.
  const specs = tsrayPackageSpecs(options.tsrayFrom, cwd);

  mkdirSync(root, { recursive: true });
  cpSync(TEMPLATE, root, { recursive: true });
  renameSync(join(root, "gitignore"), join(root, ".gitignore"));
  for (const file of NAMED_FILES) {
    const path = join(root, file);
    writeFileSync(path, readFileSync(path, "utf8").replaceAll("{{name}}", packageName));
  }
  const manifest = {
    name: packageName,
    version: "0.1.0",
    private: true,
    // Required: tsray's transform emits ES modules; npm 11's `npm init -y` would write "commonjs".
    type: "module",
    scripts: {
      build: "tspc",
      start: "tspc && node dist/main.js",
      test: "tspc && node --test dist/*.test.js",
    },
    dependencies: { tsray: specs.tsray },
    devDependencies: {
      "@tsray/transformer": specs.transformer,
      "@types/node": "^20.19.0",
      "ts-patch": "~3.3.0",
      // 5.9 is what tsray's CI tests; TypeScript 7 (native) runs no compiler plugins.
      typescript: "~5.9.3",
    },
  };
  writeFileSync(join(root, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { root, packageName, files: listFiles(root).map((path) => relative(root, path)).sort() };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
