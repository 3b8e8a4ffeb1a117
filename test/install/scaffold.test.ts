/**
 * The scaffold as a user meets it: `tsray init my-app` (and `create-tsray`,
 * which `npm create tsray` runs) from the packed packages, in a fresh folder of
 * os.tmpdir() outside the workspace, then `npm install`, `npm start` and
 * `npm test` in the project it wrote.
 *
 * The commands come from the tarballs `npm run pack` writes (installed into a
 * tools folder of their own, as `npx` would), not from the workspace: so the
 * bins, their shebangs and the templates are tested as they would ship.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { codeBlocks, sectionText } from "./readme-section.js";
import { runUserShell, transcript, type ShellResult } from "./user-shell.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const templateMain = join(repoRoot, "packages", "create-tsray", "templates", "default", "src", "main.ts");

let workDir = "";
let packages = "";
let tools = "";

test.before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "tsray-scaffold-"));
  packages = join(workDir, "packages");
  tools = join(workDir, "tools");
  const packed = await runUserShell(`npm run pack -- --out ${JSON.stringify(packages)}`, repoRoot, 120);
  assert.is(packed.code, 0, transcript(packed));
  const tarball = (prefix: string): string => {
    const name = readdirSync(packages).find((file) => file.startsWith(`${prefix}-`) && /^-\d+\.\d+\.\d+\.tgz$/.test(file.slice(prefix.length)));
    assert.ok(name, `npm run pack wrote ${prefix}-<version>.tgz`);
    return JSON.stringify(join(packages, name));
  };
  mkdirSync(tools);
  writeFileSync(join(tools, "package.json"), "{}\n");
  // The command's `start`/`status`/`stop` run the runtime's tsray/node-process: tsray comes along.
  const installed = await runUserShell(`npm install ${tarball("tsray")} ${tarball("tsray-cli")} ${tarball("create-tsray")}`, tools, 120);
  assert.is(installed.code, 0, transcript(installed));
});

test.after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Runs an installed bin (`tsray` or `create-tsray`) with `args` in `cwd`, with `env` set for it. */
function run(bin: string, args: string, cwd: string, env: Record<string, string> = {}): Promise<ShellResult> {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${JSON.stringify(value)} `).join("");
  return runUserShell(`${assignments}${JSON.stringify(join(tools, "node_modules", ".bin", bin))} ${args}`, cwd, 30);
}

/** A new empty folder to run a command in. */
function freshDir(): string {
  return mkdtempSync(join(workDir, "user-"));
}

test("tsray init writes a project whose npm start prints the example's results and whose npm test passes", async () => {
  const cwd = freshDir();
  const init = await run("tsray", `init my-app --tsray-from ${JSON.stringify(packages)}`, cwd);
  assert.is(init.code, 0, transcript(init));
  assert.match(init.stdout, "npm start");

  const project = join(cwd, "my-app");
  const install = await runUserShell("npm install", project, 120);
  assert.is(install.code, 0, transcript(install));

  // What main.ts says it prints, in its own comments: `console.log(…); // squares: 1, 4, 9, 16`.
  const expected = [...readFileSync(templateMain, "utf8").matchAll(/console\.log\(.*\);\s*\/\/\s*(.+)$/gm)].map((m) => m[1]);
  assert.ok(expected.length > 0, "the template's main.ts says what it prints");
  const start = await runUserShell("npm start --silent", project, 90);
  assert.is(start.code, 0, transcript(start));
  assert.is(start.stdout, expected.map((line) => `${line}\n`).join(""), transcript(start));

  const tested = await runUserShell("npm test --silent", project, 90);
  assert.is(tested.code, 0, transcript(tested));
  assert.match(tested.stdout, /^# pass [1-9]\d*$/m, transcript(tested));
  assert.match(tested.stdout, /^# fail 0$/m, transcript(tested));
});

test("the project is an ES module package with the README's plugin entry, a .gitignore and a README", async () => {
  const cwd = freshDir();
  const init = await run("tsray", `init my-app --tsray-from ${JSON.stringify(packages)}`, cwd);
  assert.is(init.code, 0, transcript(init));
  const project = join(cwd, "my-app");
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<string, any>;
  assert.is(manifest["name"], "my-app");
  assert.is(manifest["type"], "module");
  assert.match(manifest["dependencies"]["tsray"], `file:${packages}`);
  assert.match(manifest["devDependencies"]["@tsray/transformer"], `file:${packages}`);

  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const readmeTsconfig = codeBlocks(sectionText(readme, "## Using tsray in your own project")).find((b) => b.lang === "jsonc");
  assert.ok(readmeTsconfig, "the README gives a tsconfig.json");
  const tsconfig = JSON.parse(readFileSync(join(project, "tsconfig.json"), "utf8"));
  assert.equal(tsconfig.compilerOptions.plugins, JSON.parse(readmeTsconfig.text).compilerOptions.plugins);

  assert.match(readFileSync(join(project, ".gitignore"), "utf8"), /^node_modules\/$/m);
  assert.match(readFileSync(join(project, "README.md"), "utf8"), /^# my-app$/m);
});

test("without --tsray-from the project depends on the published ^0.1.0", async () => {
  const cwd = freshDir();
  // Empty, as unset: a TSRAY_PACKAGES in the developer's shell must not change what is tested.
  const init = await run("tsray", "init my-app", cwd, { TSRAY_PACKAGES: "" });
  assert.is(init.code, 0, transcript(init));
  const manifest = JSON.parse(readFileSync(join(cwd, "my-app", "package.json"), "utf8")) as Record<string, any>;
  assert.is(manifest["dependencies"]["tsray"], "^0.1.0");
  assert.is(manifest["devDependencies"]["@tsray/transformer"], "^0.1.0");
});

test("--tsray-from one of the tarballs uses the folder it is in", async () => {
  const cwd = freshDir();
  const runtime = readdirSync(packages).find((file) => /^tsray-\d/.test(file));
  assert.ok(runtime, "npm run pack wrote tsray-<version>.tgz");
  const init = await run("tsray", `init my-app --tsray-from ${JSON.stringify(join(packages, runtime))}`, cwd);
  assert.is(init.code, 0, transcript(init));
  const manifest = JSON.parse(readFileSync(join(cwd, "my-app", "package.json"), "utf8")) as Record<string, any>;
  assert.is(manifest["dependencies"]["tsray"], `file:${join(packages, runtime)}`);
  assert.match(manifest["devDependencies"]["@tsray/transformer"], new RegExp(`^file:${packages}/tsray-transformer-`));
});

test("TSRAY_PACKAGES stands in for --tsray-from", async () => {
  const cwd = freshDir();
  const init = await run("tsray", "init my-app", cwd, { TSRAY_PACKAGES: packages });
  assert.is(init.code, 0, transcript(init));
  const manifest = JSON.parse(readFileSync(join(cwd, "my-app", "package.json"), "utf8")) as Record<string, any>;
  assert.match(manifest["dependencies"]["tsray"], `file:${packages}/`);
});

test("create-tsray, the bin npm create tsray runs, writes the same project as tsray init", async () => {
  const cwd = freshDir();
  const created = await run("create-tsray", `my-app --tsray-from ${JSON.stringify(packages)}`, cwd);
  assert.is(created.code, 0, transcript(created));
  const viaInit = freshDir();
  assert.is((await run("tsray", `init my-app --tsray-from ${JSON.stringify(packages)}`, viaInit)).code, 0);
  for (const file of ["package.json", "tsconfig.json", "src/main.ts", "src/pipeline.ts", "src/pipeline.test.ts"]) {
    assert.is(readFileSync(join(cwd, "my-app", file), "utf8"), readFileSync(join(viaInit, "my-app", file), "utf8"), file);
  }
});

test("tsray --help lists init and exits 0", async () => {
  const help = await run("tsray", "--help", freshDir());
  assert.is(help.code, 0, transcript(help));
  assert.match(help.stdout, /^Usage: tsray /m);
  assert.match(help.stdout, /^\s+init \[options\] <directory>/m);
});

test("tsray init with an unknown flag exits 2, naming the flag and where to find usage", async () => {
  const cwd = freshDir();
  const bad = await run("tsray", "init my-app --no-such-flag", cwd);
  assert.is(bad.code, 2, transcript(bad));
  assert.match(bad.stderr, "unknown option '--no-such-flag'");
  assert.match(bad.stderr, "tsray init --help");
  assert.equal(readdirSync(cwd), [], "nothing is written");
});

test("tsray with an unknown command exits 2", async () => {
  const bad = await run("tsray", "frobnicate", freshDir());
  assert.is(bad.code, 2, transcript(bad));
  assert.match(bad.stderr, "unknown command 'frobnicate'");
});

test("tsray init into a folder that is not empty exits 1, says what to do, and changes nothing", async () => {
  const cwd = freshDir();
  mkdirSync(join(cwd, "my-app"));
  writeFileSync(join(cwd, "my-app", "notes.txt"), "mine\n");
  const refused = await run("tsray", "init my-app", cwd);
  assert.is(refused.code, 1, transcript(refused));
  assert.match(refused.stderr, "already exists and is not empty: choose a new folder name");
  assert.equal(readdirSync(join(cwd, "my-app")), ["notes.txt"]);
});

test("tsray init --tsray-from a folder without the tarballs exits 1, says to run npm run pack, and writes nothing", async () => {
  const cwd = freshDir();
  const refused = await run("tsray", `init my-app --tsray-from ${JSON.stringify(cwd)}`, cwd);
  assert.is(refused.code, 1, transcript(refused));
  assert.match(refused.stderr, "Run `npm run pack` in a clone of tsray");
  assert.equal(readdirSync(cwd), []);
});

test.run();
