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

for (const name of ["function-basic", "entry-guard", "entry-guard-references", "generic"]) {
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

/**
 * The guard keeps a top-level variable's initializer in workers only if a kept
 * declaration really references it. Given `const total = compute();` and one
 * snippet using the name `total`, expects the initializer kept (a reference)
 * or skipped (a member, key, label, type or shadowing local of that name).
 */
const referenceCases: ReadonlyArray<readonly [string, "kept" | "skipped"]> = [
  // not references
  ["@ray.remote class A { total = 0; add(x: number) { this.total += x; return this.total; } }", "skipped"],
  ["@ray.remote class A { total(): number { return 1; } }", "skipped"],
  ["@ray.remote class A { get total() { return 1; } set total(v: number) {} static total = 2; }", "skipped"],
  ["@ray.remote function f(o: { total: number }) { return o.total + o?.total; }", "skipped"],
  ["@ray.remote function f() { return { total: 1, total2: 2 }; }", "skipped"],
  ["@ray.remote function f(total: number) { return total; }", "skipped"],
  ["@ray.remote class A { add(total: number) { return total; } }", "skipped"],
  ["@ray.remote function f() { return [1].map((total) => total); }", "skipped"],
  ["@ray.remote function f() { const total = 2; return total; }", "skipped"],
  ["@ray.remote function f() { if (Math.random()) { let total = 2; return total; } return 0; }", "skipped"],
  ["@ray.remote function f() { var x = total; { var total = 1; } return x; }", "skipped"],
  ["@ray.remote function f() { const { total } = { total: 1 }; return total; }", "skipped"],
  ["@ray.remote function f() { try { return 1; } catch (total) { return { total }; } }", "skipped"],
  ["@ray.remote function f() { for (const total of [1]) return total; return 0; }", "skipped"],
  ["@ray.remote function f() { return function total(): unknown { return total; }; }", "skipped"],
  ["@ray.remote function f() { return class total { static self = total; }; }", "skipped"],
  ["@ray.remote function f() { total: for (;;) { break total; } return 1; }", "skipped"],
  ["@ray.remote function f(x: typeof total): typeof total { return x as typeof total; }", "skipped"],
  ["enum E { total = 1, other = total + 1 }\n@ray.remote function f() { return E.other; }", "skipped"],
  ["@ray.remote function f() { return 1; }\nexport { f as total };", "skipped"],
  // references
  ["@ray.remote function f() { return total; }", "kept"],
  ["@ray.remote function f() { return { total }; }", "kept"],
  ["@ray.remote function f() { return { [total]: 1 }; }", "kept"],
  ["@ray.remote class A { [total] = 1; }", "kept"],
  ["@ray.remote class A { x = total; }", "kept"],
  ["@ray.remote function f(o: Record<number, number>) { return o[total]; }", "kept"],
  ["@ray.remote function f() { return total.toFixed(); }", "kept"],
  ["@ray.remote function f(x = total) { const total = 1; return x + total; }", "kept"],
  ["@ray.remote function f() { { const total = 1; void total; } return total; }", "kept"],
  ["@ray.remote function f() { const { a = total } = { a: undefined }; return a; }", "kept"],
  ["@ray.remote function f() { const { [total]: a } = { 1: 2 }; return a; }", "kept"],
  ["@ray.remote class A extends base(total) {}\nfunction base(_: number) { return class {}; }", "kept"],
  ["function dec(_: number) { return (c: unknown) => c; }\n@dec(total) @ray.remote class A {}", "kept"],
  ["@ray.remote function f() { return 1; }\nexport { total as renamed };", "kept"],
  ["@ray.remote function f() { return 1; }\nexport default total;", "kept"],
  ["@ray.remote function f() { return 1; }\nexport default function () { return total; }", "kept"],
];

for (const [snippet, expected] of referenceCases) {
  test(`the guard treats \`total\` as ${expected === "kept" ? "a reference" : "no reference"} in: ${snippet}`, () => {
    const source = `import * as ray from "tsray";\nconst total = compute();\n${snippet}\n`;
    const output = transpile(source, marksOf(source));
    const line = output.split("\n").find((l) => l.startsWith("const total ="));
    const want = expected === "kept" ? "const total = compute();" : "const total = __tsray.inWorker ? undefined : compute();";
    assert.is(line, want, output);
  });
}

test("the repro: an actor with members named like top-level consts does not keep them in workers", () => {
  const source = [
    `import * as ray from "tsray";`,
    `@ray.remote`,
    `class Accumulator { total = 0; add(x: number) { this.total += x; return this.total; } }`,
    `await ray.init();`,
    `const acc = Accumulator.remote();`,
    `const total = await ray.get(acc.add.remote(2));`,
    `console.log(total);`,
    `await ray.shutdown();`,
    ``,
  ].join("\n");
  const output = transpile(source, marksOf(source));
  assert.fixture(
    output.slice(output.indexOf("ray.remote(Accumulator")),
    [
      `ray.remote(Accumulator, { kind: "tsray:class", abi: 1, id: "src/case.ts#Accumulator", name: "Accumulator", url: import.meta.url });`,
      `if (!__tsray.inWorker) {`,
      `    await ray.init();`,
      `}`,
      `const acc = __tsray.inWorker ? undefined : Accumulator.remote();`,
      `const total = __tsray.inWorker ? undefined : await ray.get(acc.add.remote(2));`,
      `if (!__tsray.inWorker) {`,
      `    console.log(total);`,
      `    await ray.shutdown();`,
      `}`,
      ``,
    ].join("\n"),
  );
});

test("prologue directives stay first, before the stub import", () => {
  const source = `"use strict";\nimport * as ray from "tsray";\n@ray.remote\nexport function f(): number { return 1; }\n`;
  const lines = transpile(source, marksOf(source)).split("\n");
  assert.is(lines[0], `"use strict";`);
  assert.is(lines[1], `import * as __tsray from "tsray/stubs";`);
});

test.run();
