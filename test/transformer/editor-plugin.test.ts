/**
 * The editor plugin, as an editor meets it: a real tsserver opens the fixture
 * project test/fixtures/transformer/editor, whose tsconfig.json has the one
 * plugin entry carrying both `transform` (tspc) and `name` (tsserver). The
 * editor must see what `tspc` sees: the same diagnostics (none for a correct
 * file, no TS1206 on `@ray.remote function`), and `add.remote` typed, with
 * hover and completion, in the defining file and in a file that imports it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareWithMarkers } from "./expect-markers.js";
import { startTsserver, locationOf, type Location, type Tsserver } from "./tsserver-client.js";
import {
  copyFixtureProject,
  describe,
  removeProjectCopy,
  runTspc,
  type TspcDiagnostic,
  type TspcResult,
} from "./tspc-project.js";

interface ServerDiagnostic {
  readonly start: Location;
  readonly text: string;
  readonly code: number;
}
interface QuickInfo {
  readonly displayString: string;
}
interface CompletionInfo {
  readonly entries: readonly { readonly name: string }[];
}
interface FileSpan {
  readonly file: string;
  readonly start: Location;
  readonly end: Location;
}

const files = ["src/tasks.ts", "src/main.ts", "src/wrong.ts", "src/calls.ts"];
let project = "";
let tspc: TspcResult;
let server: Tsserver;

const path = (file: string) => join(project, file);
const text = (file: string) => readFileSync(path(file), "utf8");
const at = (file: string, needle: string, delta = 0, n = 0) => ({ file: path(file), ...locationOf(text(file), needle, delta, n) });

/** The editor's errors for `file`, in tspc's `--pretty false` shape (first line of each message). */
async function editorDiagnostics(file: string): Promise<TspcDiagnostic[]> {
  const found: ServerDiagnostic[] = [];
  for (const command of ["syntacticDiagnosticsSync", "semanticDiagnosticsSync"]) {
    found.push(...(await server.request<ServerDiagnostic[]>(command, { file: path(file) })));
  }
  return found.map((d) => ({
    file,
    line: d.start.line,
    column: d.start.offset,
    code: d.code,
    message: d.text.split("\n")[0] ?? "",
  }));
}

/** `name.remote: (a: number | ObjectRef<number>, …) => ObjectRef<number>` (refs maybe qualified `ray.`). */
const typedRemote = (name: string, params: readonly string[]) => {
  const ref = String.raw`(?:ray\.)?ObjectRef<number>`;
  const list = params.map((p) => String.raw`${p}: number \| ${ref}`).join(", ");
  return new RegExp(String.raw`${name}\.remote: \(${list}\) => ${ref}`);
};

const quickInfo = (file: string, needle: string, delta = 0) =>
  server.request<QuickInfo>("quickinfo", at(file, needle, delta)).then((q) => q.displayString);
const completionNames = (file: string, needle: string, delta: number) =>
  server.request<CompletionInfo>("completionInfo", at(file, needle, delta)).then((c) => c.entries.map((e) => e.name));

test.before(async () => {
  project = copyFixtureProject("editor");
  server = startTsserver();
  [tspc] = await Promise.all([
    runTspc(project, ["-p", "."]),
    ...files.map((file) => server.request("open", { file: path(file) }).catch(() => undefined)),
  ]);
});
test.after(async () => {
  await server.close();
  removeProjectCopy(project);
});

test("a correct file with @ray.remote declarations has no errors in the editor (no TS1206)", async () => {
  for (const file of ["src/tasks.ts", "src/main.ts"]) {
    assert.is(describe(await editorDiagnostics(file)), "(none)", file);
  }
});

test("the editor reports exactly the errors tspc reports, at the same places", async () => {
  const sort = (ds: readonly TspcDiagnostic[]) =>
    [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code - b.code);
  const editor: TspcDiagnostic[] = [];
  for (const file of files) editor.push(...(await editorDiagnostics(file)));
  assert.ok(tspc.diagnostics.length >= 3, `tspc reported the fixture's errors:\n${tspc.output}`);
  assert.is(describe(sort(editor)), describe(sort(tspc.diagnostics)));
});

test("the errors of a wrong file are the ones its markers name, TSRAY errors included", async () => {
  const diagnostics = await editorDiagnostics("src/wrong.ts");
  assert.equal(compareWithMarkers(text("src/wrong.ts"), diagnostics), []);
  assert.ok(diagnostics.some((d) => d.code === 9901 && /export default/.test(d.message)), describe(diagnostics));
});

test("a file without remote declarations shows the TSRAY error of a call whose argument cannot be sent", async () => {
  const diagnostics = await editorDiagnostics("src/calls.ts");
  assert.equal(compareWithMarkers(text("src/calls.ts"), diagnostics), []);
  assert.ok(diagnostics.some((d) => /argument 1 of `show\.remote\(\)` cannot be sent/.test(d.message)), describe(diagnostics));
});

test("hover over add.remote in the defining file shows the typed signature", async () => {
  const shown = await quickInfo("src/tasks.ts", "add.remote", "add.".length);
  assert.match(shown, typedRemote("add", ["x", "y"]));
});

test("hover over add.remote in an importing file shows the typed signature", async () => {
  const shown = await quickInfo("src/main.ts", "add.remote", "add.".length);
  assert.match(shown, typedRemote("add", ["x", "y"]));
});

test("hover over Counter.remote in an importing file shows that it creates an actor handle", async () => {
  const shown = await quickInfo("src/main.ts", "Counter.remote", "Counter.".length);
  assert.match(shown, /Counter\.remote\(\): .*ActorHandle<Counter>/);
});

test("completion after `add.` offers remote and options, in the defining file", async () => {
  const names = await completionNames("src/tasks.ts", "add.remote", "add.".length);
  assert.ok(names.includes("remote") && names.includes("options"), names.join(", "));
});

test("completion after `add.` offers remote and options, in an importing file", async () => {
  const names = await completionNames("src/main.ts", "add.remote", "add.".length);
  assert.ok(names.includes("remote") && names.includes("options"), names.join(", "));
});

test("go to definition of add.remote lands on the @ray.remote decorator of add, not in generated text", async () => {
  const definitions = await server.request<FileSpan[]>("definition", at("src/main.ts", "add.remote", "add.".length));
  const decorator = locationOf(text("src/tasks.ts"), "@ray.remote");
  const inTasks = definitions.filter((d) => d.file === path("src/tasks.ts"));
  assert.equal(
    inTasks.map((d) => [d.start.line, d.start.offset]),
    [[decorator.line, decorator.offset]],
  );
});

test("renaming add touches only the user's text, never the generated footer", async () => {
  const rename = await server.request<{ locs: { file: string; locs: { start: Location }[] }[] }>(
    "rename",
    at("src/tasks.ts", "function add", "function ".length),
  );
  const places = rename.locs.flatMap((group) => group.locs.map((l) => `${group.file.slice(project.length + 1)}:${l.start.line}`));
  assert.equal(places.sort(), ["src/main.ts:1", "src/main.ts:3", "src/main.ts:4", "src/tasks.ts:17", "src/tasks.ts:5", "src/wrong.ts:2", "src/wrong.ts:14"].sort());
});

test("the editor's own emit of a file with remote declarations (compile on save) is tspc's", async () => {
  const emitted = await server.request<{ outputFiles: { name: string; text: string }[] }>("emit-output", { file: path("src/tasks.ts") });
  const js = emitted.outputFiles.find((f) => f.name.endsWith("tasks.js"));
  assert.ok(js, emitted.outputFiles.map((f) => f.name).join(", "));
  assert.is(js.text, readFileSync(join(project, "out", "tasks.js"), "utf8"));
  assert.not.match(js.text, /tsray-type-view/);
});

test("a remote function added while editing is typed at once, without saving", async () => {
  const before = text("src/tasks.ts");
  const added = "\n@ray.remote\nexport function mul(a: number, b: number): number {\n  return a * b;\n}\nexport const product = mul.remote(2, 3);\n";
  const end = locationOf(before + "\u0000", "\u0000");
  await server.request("updateOpen", {
    changedFiles: [{ fileName: path("src/tasks.ts"), textChanges: [{ start: end, end, newText: added }] }],
  });
  const found = await server.request<ServerDiagnostic[]>("semanticDiagnosticsSync", { file: path("src/tasks.ts") });
  assert.equal(found.map((d) => `${d.start.line}: TS${d.code} ${d.text}`), []);
  const shown = await server.request<QuickInfo>("quickinfo", {
    file: path("src/tasks.ts"),
    ...locationOf(before + added, "mul.remote", "mul.".length),
  });
  assert.match(shown.displayString, typedRemote("mul", ["a", "b"]));
});

test.run();
