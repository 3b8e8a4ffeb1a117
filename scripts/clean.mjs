#!/usr/bin/env node
// `npm run clean`: deletes what the build and the tests leave in the checkout
// (every path .gitignore names: dist/, *.tsbuildinfo, .tsray-test-tmp/,
// dist-packages/, …) and nothing else, so the next `npm run build` starts from
// scratch.
//
// Invariant: node_modules is never touched, at any depth. (`git clean -fdX -e
// '!node_modules'`, used before, un-ignores node_modules, so git walked into it
// and deleted every installed package's own dist/ folder.) `git ls-files
// --directory` reports an ignored folder as one entry without listing what is
// inside, so filtering out node_modules entries is enough.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const listed = execFileSync(
  "git",
  ["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"],
  { cwd: root, encoding: "utf8" },
);
const doomed = listed
  .split("\0")
  .filter((path) => path !== "" && !path.split("/").includes("node_modules"));
for (const path of doomed) rmSync(join(root, path), { recursive: true, force: true });
console.log(doomed.length === 0 ? "clean: nothing to delete" : `clean: deleted ${doomed.join(", ")}`);
