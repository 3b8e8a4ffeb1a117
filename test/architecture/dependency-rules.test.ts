// The import rules of .dependency-cruiser.cjs hold over the source (type-only imports count):
// no cycles, the thread side imports nothing of the driver side, and each runtime layer imports
// only the layers below it. Runs dependency-cruiser's own command on the sources, once.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runNode } from "../runtime/child-process.js";

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: ReadonlyArray<{ readonly name: string }>;
}
interface CruiseResult {
  readonly summary: { readonly violations: readonly Violation[]; readonly totalCruised: number };
}

const root = fileURLToPath(new URL("../../../", import.meta.url));
// A devDependency of the workspace root (its package exports no bin path to resolve).
const cli = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

async function cruise(): Promise<CruiseResult> {
  const r = await runNode(
    [cli, "--config", ".dependency-cruiser.cjs", "--output-type", "json", "runtime/src", "transformer/src", "packages/bench/src"],
    120,
    root,
  );
  if (r.stdout.trim() === "") throw new Error(`dependency-cruiser printed nothing (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as CruiseResult;
}
const result = await cruise();

function violationsOf(rule: (name: string) => boolean): string[] {
  return result.summary.violations
    .filter((v) => rule(v.rule.name))
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(" → ")})` : ""}`);
}

test("the rules were checked against the whole runtime, transformer and bench", () => {
  assert.ok(result.summary.totalCruised > 100, `only ${result.summary.totalCruised} modules were cruised`);
});

test("no module imports itself through a cycle", () => {
  assert.equal(violationsOf((n) => n === "no-circular"), []);
});

test("the thread side imports nothing of the driver side", () => {
  assert.equal(violationsOf((n) => n === "thread-imports-no-driver-side"), []);
});

test("each runtime layer imports only the layers below it", () => {
  assert.equal(violationsOf((n) => n.startsWith("layer-")), []);
});

test("nothing inside the runtime imports its package entry", () => {
  assert.equal(violationsOf((n) => n === "nothing-imports-the-package-entry"), []);
});

test("every rule the config defines is one of those checked above", () => {
  const known = (n: string) =>
    n === "no-circular" || n === "thread-imports-no-driver-side" || n.startsWith("layer-") || n === "nothing-imports-the-package-entry";
  assert.equal(violationsOf((n) => !known(n)), []);
});

test.run();
