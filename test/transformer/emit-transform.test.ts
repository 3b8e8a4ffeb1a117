/**
 * The emit transform is syntactic: given where the remote declarations are,
 * it needs no program or checker. Run through `ts.transpileModule` (as a
 * loader hook would), it reproduces the JavaScript that tspc emits (the
 * reviewed baselines).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEmitTransformer, FOOTER_MARKER, type RemoteMark } from "@tsray/transformer";
import { fixturesRoot } from "./tspc-project.js";

const projectDir = "/project";

/**
 * The marks of a source, found here by decorator text (`@ray.remote…`): the
 * transform's input, which tspc gets from the checker.
 */
function marksOf(source: string): RemoteMark[] {
  const file = ts.createSourceFile("x.ts", source, ts.ScriptTarget.ES2022, true);
  const marks: RemoteMark[] = [];
  for (const statement of file.statements) {
    if (!ts.isFunctionDeclaration(statement) && !ts.isClassDeclaration(statement)) continue;
    for (const modifier of statement.modifiers ?? []) {
      if (ts.isDecorator(modifier) && modifier.getText(file).startsWith("@ray.remote") && statement.name) {
        const kind = ts.isFunctionDeclaration(statement) ? "function" : "class";
        marks.push({ kind, name: statement.name.text, decoratorStart: modifier.getStart(file) });
      }
    }
  }
  return marks;
}

function transpile(source: string, marks: readonly RemoteMark[]): string {
  return ts.transpileModule(source, {
    fileName: join(projectDir, "src", "case.ts"),
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
    transformers: { before: [createEmitTransformer(ts, { projectDir, marksFor: () => marks })] },
  }).outputText;
}

for (const name of ["function-basic", "entry-guard", "generic"]) {
  test(`transpileModule with the emit transform reproduces the ${name} baseline`, () => {
    const source = readFileSync(join(fixturesRoot, "baselines", "project", "src", `${name}.ts`), "utf8");
    const expected = readFileSync(join(fixturesRoot, "baselines", "expected", `${name}.js`), "utf8");
    const actual = transpile(source, marksOf(source)).replaceAll("src/case.ts#", `src/${name}.ts#`);
    assert.fixture(actual, expected);
  });
}

test("a file without remote declarations gets no stub import and no guard", () => {
  const source = `import * as ray from "tsray";\nexport const x = 1;\nconsole.log(ray, x);\n`;
  assert.is(transpile(source, []), `import * as ray from "tsray";\nexport const x = 1;\nconsole.log(ray, x);\n`);
});

test("everything from the footer marker on is dropped from JavaScript", () => {
  const source = `export function f() { return 1; }\n${FOOTER_MARKER}: generated\nexport declare namespace f { const remote: number; }\nf.remote;\n`;
  const output = transpile(source, []);
  assert.match(output, "export function f()");
  assert.not.match(output, "f.remote");
  assert.not.match(output, FOOTER_MARKER);
});

test("prologue directives stay first, before the stub import", () => {
  const source = `"use strict";\nimport * as ray from "tsray";\n@ray.remote\nexport function f(): number { return 1; }\n`;
  const lines = transpile(source, marksOf(source)).split("\n");
  assert.is(lines[0], `"use strict";`);
  assert.is(lines[1], `import * as __tsray from "tsray/stubs";`);
});

test.run();
