/**
 * "Using tsray in your own project", followed word for word: the commands and
 * file contents are read from README.md itself, so the README cannot promise a
 * path that does not work. The user's project lives in os.tmpdir(), outside the
 * workspace, so nothing resolves through the workspace's node_modules: only
 * what the tarballs carry and npm installs.
 *
 * Two departures from the README: the clone's `npm ci` is not run (this suite
 * runs in an installed clone, and reinstalling would delete the node_modules
 * the test runner is using), and after the clone's steps (which end by leaving
 * the clone) the shell moves to a fresh folder of os.tmpdir(), where the README
 * would make my-app beside the clone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { codeBlocks, sectionText } from "./readme-section.js";
import { runUserShell, transcript } from "./user-shell.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const SECTION = "## Using tsray in your own project";

test("the README's steps for a project of your own install the packages, compile the example and print 3, then 1", async () => {
  const section = sectionText(readme, SECTION);
  const blocks = codeBlocks(section);
  const shell = blocks.filter((b) => b.lang === "sh");
  assert.is(shell.length, 3, "the section has three sh blocks: in the clone, in the new project, compile and run");
  const [inClone, newProject, compileAndRun] = shell as [typeof shell[0], typeof shell[0], typeof shell[0]];

  // Files the README gives in full: a block introduced by "`name` …".
  const files = blocks
    .filter((b) => b.lang !== "sh")
    .map((b) => ({ path: /^`([^`]+)`/.exec(b.intro)?.[1], text: b.text }));
  assert.ok(files.length > 0 && files.every((f) => f.path !== undefined), "each file block is introduced by its file name");
  // The program is "the example at the top of this page": the README's first ts block.
  assert.match(section, "`src/main.ts`");
  const example = codeBlocks(readme).find((b) => b.lang === "ts");
  assert.ok(example, "README has a ts example");
  const expected = [...example.text.matchAll(/console\.log\(.*\);\s*\/\/\s*(\S+)/g)].map((m) => m[1]);
  assert.ok(expected.length > 0, "the example's console.log lines say what they print");

  const cloneSteps = inClone.text.split("\n").filter((line) => line.trim() !== "npm ci").join("\n");
  assert.ok(cloneSteps !== inClone.text, "the clone block starts from `npm ci` (not run here: see the file comment)");
  const workDir = mkdtempSync(join(tmpdir(), "tsray-readme-"));
  try {
    const setUp = await runUserShell(`${cloneSteps}\ncd ${JSON.stringify(workDir)}\n${newProject.text}`, repoRoot, 150);
    assert.is(setUp.code, 0, transcript(setUp));
    const project = join(workDir, "my-app");
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { type?: string };
    assert.is(manifest.type, "module");

    for (const { path, text } of [...files, { path: "src/main.ts", text: example.text }]) {
      const target = join(project, path!);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const run = await runUserShell(compileAndRun.text, project, 120);
    assert.is(run.code, 0, transcript(run));
    assert.is(run.stdout, expected.map((value) => `${value}\n`).join(""), transcript(run));
    assert.not.match(run.stderr, "@tsray/transformer:", "the transformer has no complaint about the TypeScript version");
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

test.run();
