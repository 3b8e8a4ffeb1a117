/**
 * The TypeScript version check the transformer runs when it loads: a project
 * on a TypeScript the transform cannot work in reads what to install, one that
 * works reads nothing. (Compiling with the real 5.3.3, 5.4.5, 5.5.4, 5.8.3 and
 * 6.0.3 was checked by hand; installing them here would need the registry.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SUPPORTED_TYPESCRIPT, typeScriptVersionProblem } from "@tsray/transformer";

test("TypeScript older than 5.4 gets a message naming the oldest that works and the command that installs the tested one", () => {
  const message = typeScriptVersionProblem("5.3.3", "/app/node_modules/typescript");
  assert.ok(message);
  assert.match(message, "TypeScript 5.3.3 (/app/node_modules/typescript)");
  assert.match(message, `TypeScript ${SUPPORTED_TYPESCRIPT.oldest} or newer is needed`);
  assert.match(message, "npm install --save-dev typescript@~5.9.3");
});

test("TypeScript 5.4 up to 6.x gets no message", () => {
  for (const version of ["5.4.0", "5.5.4", "5.9.3", "6.0.3", "6.1.0-dev.20261201"]) {
    assert.is(typeScriptVersionProblem(version, "/app/node_modules/typescript"), undefined, version);
  }
});

test("TypeScript 7 gets a message saying the native compiler loads no plugins", () => {
  const message = typeScriptVersionProblem("7.0.2", "/app/node_modules/typescript");
  assert.ok(message);
  assert.match(message, "native compiler, which loads no plugins");
  assert.match(message, "npm install --save-dev typescript@~5.9.3");
});

test("the README, the transformer's README and the workspace install the version the message recommends", () => {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const workspace = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  assert.is(workspace.devDependencies["typescript"], SUPPORTED_TYPESCRIPT.tested);
  for (const readme of ["README.md", "transformer/README.md"]) {
    const installed = [...readFileSync(join(root, readme), "utf8").matchAll(/typescript@(\S+)/g)].map((m) => m[1]);
    assert.ok(installed.length > 0, `${readme} says which TypeScript to install`);
    assert.equal(installed, installed.map(() => SUPPORTED_TYPESCRIPT.tested), readme);
  }
});

test.run();
