#!/usr/bin/env node
// Makes the workspace packages' bin files executable after a build (`npm run build` runs this after
// `tspc -b`). npm marks a bin executable when it links it at install time, but in a fresh clone the
// bin (`packages/cli/dist/main.js`, …) does not exist yet then, and the compiler writes it later
// without the executable bit: `npx tsray` would fail with "Permission denied".
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { workspaces = [] } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dirs = workspaces.flatMap((pattern) =>
  pattern.endsWith("/*")
    ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(pattern.slice(0, -2), e.name))
    : [pattern],
);
for (const dir of dirs) {
  const manifest = join(root, dir, "package.json");
  if (!existsSync(manifest)) continue;
  const { bin } = JSON.parse(readFileSync(manifest, "utf8"));
  const files = typeof bin === "string" ? [bin] : Object.values(bin ?? {});
  for (const file of files) {
    const path = join(root, dir, file);
    if (existsSync(path)) chmodSync(path, statSync(path).mode | 0o111);
  }
}
