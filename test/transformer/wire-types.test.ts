/**
 * What cannot cross the wire is a compile error: the fixture project
 * test/fixtures/transformer/wire has one file per kind of type that cannot be
 * sent (functions, symbols, weak collections, promises as values, class
 * instances, actor signatures, wide parameters checked at the call) and one
 * file of everything that can. Each file must have exactly the errors its
 * `@tsray-expect-error` markers name, with a message saying why and what to do.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareWithMarkers } from "./expect-markers.js";
import { copyFixtureProject, describe, fixturesRoot, removeProjectCopy, runTspc, type TspcResult } from "./tspc-project.js";

const sourceDir = join(fixturesRoot, "wire", "src");
let project = "";
let result: TspcResult;

test.before(async () => {
  project = copyFixtureProject("wire");
  result = await runTspc(project, ["-p", ".", "--noEmit"]);
});
test.after(() => removeProjectCopy(project));

/** The errors of `file` are exactly its markers; returns them. */
function expectMarked(file: string) {
  const text = readFileSync(join(sourceDir, file), "utf8");
  const diagnostics = result.diagnostics.filter((d) => d.file === `src/${file}`);
  assert.equal(compareWithMarkers(text, diagnostics), [], `${file}:\n${describe(diagnostics)}`);
  return diagnostics;
}

test("a function as a parameter, inside one, or as a result is a compile error at its line", () => {
  const found = expectMarked("function.ts");
  assert.ok(found.some((d) => /parameter `cb` of remote function `apply` cannot be sent to a worker: its type is a function/.test(d.message)));
  assert.ok(found.some((d) => /its type at `options\.onDone` is a function/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /the result of remote function `makeAdder` cannot be sent back/.test(d.message)));
});

test("a symbol as a parameter or inside a result is a compile error", () => {
  const found = expectMarked("symbol.ts");
  assert.ok(found.every((d) => /is a symbol\. Symbols cannot be sent; use a string instead/.test(d.message)), describe(found));
});

test("WeakMap, WeakSet and WeakRef are compile errors, also inside arrays", () => {
  const found = expectMarked("weak.ts");
  assert.ok(found.some((d) => /its type at `marks\[\]` is a WeakSet/.test(d.message)), describe(found));
});

test("a Promise as a value is a compile error; an async function's awaited result is fine", () => {
  const found = expectMarked("promise.ts");
  assert.ok(found.some((d) => /is a Promise\. Await it and send its value/.test(d.message)), describe(found));
});

test("a generator's yield type is checked, not the generator object it returns; yielded instances of the program's classes are accepted", () => {
  const found = expectMarked("generator.ts");
  assert.ok(found.some((d) => /the values remote function `callbacks` yields cannot be sent back from a worker: its type is a function/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /the values .*handlers.* yields cannot be sent back/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /the values remote function `sealed` yields .* has private members \(#secret\)/.test(d.message)), describe(found));
  assert.not.ok(found.some((d) => /readings|Reading\b/.test(d.message)), describe(found));
});

test("instances of the program's classes are accepted; unregistrable classes, #private without hooks and unsendable fields are errors", () => {
  const found = expectMarked("class-instance.ts");
  assert.ok(found.some((d) => /its type is an instance of class Vault, which has private members \(#secret\)\. Private members cannot be read/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /parameter `task` .* its type at `task\.run` is a function/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /result of remote function `clock` .* is an instance of class ForeignClock\. Tsray rebuilds instances only of classes it can register/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /parameter `cache` .* is a WeakMap/.test(d.message)), describe(found));
  assert.ok(found.some((d) => d.code === 9902 && /@ray\.serializable: it can only be used on a named top-level class/.test(d.message)), describe(found));
  assert.not.ok(found.some((d) => /Job|Point|Account|RetryError/.test(d.message)), describe(found));
});

test("the constructor and public methods of a remote class are checked, private methods not", () => {
  const found = expectMarked("actor.ts");
  assert.ok(found.some((d) => /method `Worker\.run` of a remote class/.test(d.message)), describe(found));
});

test("an argument to .remote() for an unknown, object or rest parameter is checked at the call", () => {
  const found = expectMarked("call-argument.ts");
  assert.ok(found.some((d) => /argument 1 of `describe\.remote\(\)` cannot be sent to a worker: its type is a function/.test(d.message)));
  assert.ok(found.some((d) => /argument 2 of `describe\.remote\(\)`.* at `argument\.cb` is a function/.test(d.message)), describe(found));
});

test("a hand-wrapped ray.remote(function f…) is checked like a decorated one, at its parameters and calls", () => {
  const found = expectMarked("hand-wrapped.ts");
  assert.ok(found.some((d) => /parameter `cb` of remote function `apply`/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /argument 1 of `show\.remote\(\)` cannot be sent to a worker: its type is a symbol/.test(d.message)), describe(found));
});

test("an argument to an actor's constructor or method, through a handle, is checked at the call", () => {
  const found = expectMarked("call-argument.ts");
  assert.ok(found.some((d) => /argument 1 of `Inbox\.remote\(\)`.* is a symbol/.test(d.message)), describe(found));
  assert.ok(found.some((d) => /argument 1 of `Inbox\.put\.remote\(\)`.* at `argument\.reply` is a function/.test(d.message)), describe(found));
});

test("plain data, Map, Set, Date, typed arrays, refs, handles, optional and recursive types compile without error", () => {
  assert.is(describe(expectMarked("sendable.ts")), "(none)");
});

test.run();
