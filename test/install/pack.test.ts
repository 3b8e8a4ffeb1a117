/**
 * `npm run pack` (scripts/pack.mjs): the tarballs users install from a clone
 * hold what a published package would — README, LICENSE, package.json and the
 * current build — and nothing of tests or of earlier builds.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runUserShell, transcript } from "./user-shell.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Every file a package.json points at: main, types, bin and each "exports" target. */
function manifestTargets(manifest: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") found.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  for (const key of ["main", "types", "bin", "exports"]) visit(manifest[key]);
  return found.filter((target) => !target.includes("*"));
}

test("npm run pack writes one tarball per publishable package, holding README, LICENSE and built code only", async () => {
  // Into a folder of its own: the README suite may be packing into dist-packages/ at the same time.
  const dir = mkdtempSync(join(tmpdir(), "tsray-pack-"));
  try {
    const packed = await runUserShell(`npm run pack -- --out ${JSON.stringify(dir)}`, repoRoot, 120);
    assert.is(packed.code, 0, transcript(packed));
    // What npm itself counts as the workspace's publishable packages, named as npm pack names tarballs.
    const workspaces = JSON.parse(execFileSync("npm", ["query", ".workspace"], { cwd: repoRoot, encoding: "utf8" })) as {
      name: string;
      version?: string;
      private?: boolean;
    }[];
    const publishable = workspaces.filter((w) => w.private !== true);
    assert.ok(publishable.some((w) => w.name === "tsray") && publishable.some((w) => w.name === "@tsray/transformer"));
    const tarballs = readdirSync(dir).sort();
    assert.equal(tarballs, publishable.map((w) => `${w.name.replace(/^@/, "").replace("/", "-")}-${w.version}.tgz`).sort());
    for (const tarball of tarballs) {
      const files = execFileSync("tar", ["-tzf", join(dir, tarball)], { encoding: "utf8" }).trim().split("\n");
      for (const required of ["package/package.json", "package/README.md", "package/LICENSE"]) {
        assert.ok(files.includes(required), `${tarball} holds ${required}`);
      }
      // templates/: create-tsray's project templates, shipped as files (a generated project has its own test).
      const other = files.filter((f) => !/^package\/(package\.json|README\.md|LICENSE|(dist|src|cjs|templates)\/.*)$/.test(f));
      assert.equal(other, [], `${tarball} holds nothing outside dist/, src/, cjs/ and templates/`);
      assert.equal(
        files.filter((f) => !f.startsWith("package/templates/") && /\/(tests?|__tests__|fixtures)\/|\.test\.|\.tsbuildinfo$/.test(f)),
        [],
        `${tarball} holds no tests and no build info`,
      );
      const manifest = JSON.parse(execFileSync("tar", ["-xOzf", join(dir, tarball), "package/package.json"], { encoding: "utf8" }));
      const entryPoints = manifestTargets(manifest);
      assert.ok(entryPoints.length > 0, `${tarball} names its entry points`);
      for (const target of entryPoints) {
        assert.ok(files.includes(`package/${target.replace(/^\.\//, "")}`), `${tarball} holds ${target}, named in its package.json`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npm run pack refuses build output that no source produces, and says to run npm run clean", async () => {
  // As a source moved away would leave it: tspc -b never deletes it, and npm pack would ship it.
  const leftOver = join(repoRoot, "runtime", "dist", "left-from-an-earlier-build.js");
  writeFileSync(leftOver, "export {};\n");
  try {
    const packed = await runUserShell("npm run pack", repoRoot, 120);
    assert.is.not(packed.code, 0, transcript(packed));
    assert.match(packed.stderr, "runtime/dist/left-from-an-earlier-build.js is left from an earlier build");
    assert.match(packed.stderr, "Run `npm run clean`, then `npm run pack` again.");
  } finally {
    rmSync(leftOver, { force: true });
  }
});

test.run();
