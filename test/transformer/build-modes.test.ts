/**
 * The plugin under every way users run tspc: `--incremental`, `-b` and
 * `--watch` (builder programs, which read `getBindAndCheckDiagnostics`,
 * compare source file versions across runs, and — in watch mode — fetch files
 * through `getSourceFileByPath`). Each test compiles its own copy of
 * test/fixtures/transformer/modes, then edits main.ts to break a
 * `.remote(...)` call, and expects the error at that line. Builders must also
 * re-emit a file whose class the transform starts registering (its view's version changes).
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFixtureProject, describe, removeProjectCopy, runTspc, tspcBin } from "./tspc-project.js";

const BREAK = `export const broken = add.remote("1", 2);`;

/** Replaces the `// EDIT-HERE` line of main.ts; returns the 1-based line number. */
function editMain(project: string, line: string): number {
  const path = join(project, "src", "main.ts");
  const lines = readFileSync(path, "utf8").split("\n");
  const index = lines.findIndex((l) => l.startsWith("// EDIT-HERE") || l === BREAK);
  lines[index] = line;
  writeFileSync(path, lines.join("\n"));
  return index + 1;
}

/** Runs `body` on a fresh copy of the fixture, removed afterwards. */
function withProject(body: (project: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const project = copyFixtureProject("modes");
    try {
      await body(project);
    } finally {
      removeProjectCopy(project);
    }
  };
}

test(
  "tspc --incremental builds, rebuilds with nothing to emit, and reports an error introduced later",
  withProject(async (project) => {
    const first = await runTspc(project, ["-p", ".", "--incremental"]);
    assert.is(first.exitCode, 0, first.output);
    const emitted = readFileSync(join(project, "out", "tasks.js"), "utf8");
    assert.match(emitted, `id: "src/tasks.ts#add"`);

    const second = await runTspc(project, ["-p", ".", "--incremental", "--listEmittedFiles"]);
    assert.is(second.exitCode, 0, second.output);
    // (Only a change to an input, e.g. a concurrent rebuild of runtime/dist, could make this emit.)
    assert.not.match(second.output, "TSFILE", `nothing is emitted again:\n${second.output}`);

    const line = editMain(project, BREAK);
    const third = await runTspc(project, ["-p", ".", "--incremental"]);
    assert.equal(
      third.diagnostics.map((d) => [d.file, d.line, d.code]),
      [["src/main.ts", line, 2345]],
      describe(third.diagnostics),
    );
    assert.is(readFileSync(join(project, "out", "tasks.js"), "utf8"), emitted, "tasks.js is unchanged");
  }),
);

test(
  "tspc -b builds, is up to date on the next run, and reports an error introduced later",
  withProject(async (project) => {
    const first = await runTspc(project, ["-b", "."]);
    assert.is(first.exitCode, 0, first.output);
    assert.match(readFileSync(join(project, "out", "main.d.ts"), "utf8"), "ActorHandle<Counter>");
    assert.match(readFileSync(join(project, "out", "tasks.d.ts"), "utf8"), "export declare namespace add");

    const second = await runTspc(project, ["-b", ".", "--verbose"]);
    assert.is(second.exitCode, 0, second.output);
    assert.match(second.output, "is up to date");

    const line = editMain(project, BREAK);
    const third = await runTspc(project, ["-b", "."]);
    assert.equal(
      third.diagnostics.map((d) => [d.file, d.line, d.code]),
      [["src/main.ts", line, 2345]],
      describe(third.diagnostics),
    );
  }),
);

test(
  "tspc --watch reports a .remote() type error after an edit",
  withProject(async (project) => {
    const child = spawn(tspcBin, ["-p", ".", "--watch", "--preserveWatchOutput", "--pretty", "false"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
    const onData = (data: Buffer) => {
      output += data.toString();
      for (const w of [...waiters]) {
        if (w.pattern.test(output)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const exited = new Promise<never>((_, reject) =>
      child.on("exit", (code) => reject(new Error(`tspc --watch exited (${code}):\n${output}`))),
    );
    const waitFor = (pattern: RegExp, what: string) =>
      Promise.race([
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}:\n${output}`)), 60_000);
          waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
          onData(Buffer.alloc(0));
        }),
        exited,
      ]);
    try {
      await waitFor(/Found 0 errors\. Watching for file changes\./, "the first clean build");
      const line = editMain(project, BREAK);
      await waitFor(/Found 1 error\. Watching for file changes\./, "the error after the edit");
      const error = new RegExp(`src/main\\.ts\\(${line},\\d+\\): error TS2345: Argument of type 'string'`);
      assert.match(output, error);
      assert.not.match(output, "TS1206");
    } finally {
      exited.catch(() => undefined);
      child.kill();
    }
  }),
);

/**
 * Adds src/shape.ts (a class, and a decorated one so that the file has a type view from the start:
 * only its version tag tells the builder it changed) and src/area.ts, which at first does not send
 * the class to a task.
 */
function addShapeFiles(project: string): void {
  writeFileSync(
    join(project, "src", "shape.ts"),
    'import * as ray from "tsray";\n@ray.serializable\nexport class Tag {}\nexport class Shape {\n  constructor(public n: number) {}\n}\n',
  );
  writeFileSync(join(project, "src", "area.ts"), 'import type { Shape } from "./shape.js";\nexport const none: Shape | undefined = undefined;\n');
}

/** Makes src/area.ts send a Shape to a remote function. */
function sendShape(project: string): void {
  writeFileSync(
    join(project, "src", "area.ts"),
    'import * as ray from "tsray";\nimport type { Shape } from "./shape.js";\n' +
      "@ray.remote\nexport function area(s: Shape): number {\n  return s.n;\n}\n",
  );
}

for (const mode of [["--incremental"], ["-b"]] as const) {
  test(
    `tspc ${mode[0]} re-emits an unchanged file whose class a remote signature in another file starts to send`,
    withProject(async (project) => {
      addShapeFiles(project);
      const args = mode[0] === "-b" ? ["-b", "."] : ["-p", ".", "--incremental"];
      const first = await runTspc(project, args);
      assert.is(first.exitCode, 0, first.output);
      assert.not.match(readFileSync(join(project, "out", "shape.js"), "utf8"), "registerClass");

      sendShape(project);
      const second = await runTspc(project, args);
      assert.is(second.exitCode, 0, second.output);
      assert.match(readFileSync(join(project, "out", "shape.js"), "utf8"), '__tsray.registerClass(Shape, { kind: "tsray:serializable", abi: 1, id: "src/shape.ts#Shape"');
    }),
  );
}

test.run();
