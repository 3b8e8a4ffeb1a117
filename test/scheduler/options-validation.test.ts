import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";


function rejects(fn: () => void, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.instance(error, InvalidArgumentError, "expected an InvalidArgumentError");
  assert.match((error as Error).message, pattern);
}

test("valid task and actor options pass", () => {
  S.validateTaskOptions(
    {
      numCpus: 0.5,
      numGpus: 2,
      memory: 1024,
      resources: { Custom: 1 },
      maxRetries: -1,
      retryExceptions: ["TypeError"],
      numReturns: 2,
      schedulingStrategy: "SPREAD",
      name: "f",
    },
    "f",
  );
  S.validateActorOptions(
    { numCpus: 0, maxRestarts: 2, maxTaskRetries: 1, maxConcurrency: 4, name: "a", namespace: "app", lifetime: "detached", getIfExists: true },
    "A",
  );
  S.validateActorMethodOptions({ numReturns: 3, name: "A.m" }, "A.m");
  S.validateTaskOptions(undefined, "f");
});

test("negative and NaN amounts are rejected naming the option and the function", () => {
  rejects(() => S.validateTaskOptions({ numCpus: -1 }, "add"), /numCpus of add cannot be negative/);
  rejects(() => S.validateTaskOptions({ memory: Number.NaN }, "add"), /memory of add/);
  rejects(() => S.validateActorOptions({ resources: { Custom: -2 } }, "Counter"), /resources.Custom of Counter/);
});

test("a non-integer numGpus above 1 is rejected; fractions below 1 and whole numbers pass", () => {
  rejects(() => S.validateTaskOptions({ numGpus: 1.5 }, "train"), /above 1 must be whole/);
  S.validateTaskOptions({ numGpus: 0.25 }, "train");
  S.validateTaskOptions({ numGpus: 3 }, "train");
});

test("unknown option names are rejected, suggesting the right spelling", () => {
  rejects(() => S.validateTaskOptions({ num_cpus: 1 }, "f"), /Unknown option "num_cpus" for f; did you mean "numCpus"/);
  rejects(() => S.validateTaskOptions({ maxRestarts: 1 }, "f"), /Unknown option "maxRestarts"/);
  rejects(() => S.validateActorOptions({ numReturns: 1 }, "A"), /Unknown option "numReturns"/);
  rejects(() => S.validateActorMethodOptions({ numCpus: 1 }, "A.m"), /Unknown option "numCpus"/);
});

test("numReturns must be an integer of at least 1", () => {
  rejects(() => S.validateTaskOptions({ numReturns: 0 }, "f"), /numReturns of f must be an integer ≥ 1/);
  rejects(() => S.validateTaskOptions({ numReturns: 1.5 }, "f"), /numReturns/);
  rejects(() => S.validateActorMethodOptions({ numReturns: -1 }, "A.m"), /numReturns/);
});

test('numReturns may be "streaming"; the generator backpressure bound is an integer ≥ 1 or -1', () => {
  S.validateTaskOptions({ numReturns: "streaming", generatorBackpressureNumObjects: 8 }, "f");
  S.validateActorMethodOptions({ numReturns: "streaming", generatorBackpressureNumObjects: -1 }, "A.m");
  rejects(() => S.validateTaskOptions({ numReturns: "dynamic" }, "f"), /numReturns of f must be an integer ≥ 1, or "streaming"/);
  rejects(() => S.validateTaskOptions({ generatorBackpressureNumObjects: 0 }, "f"), /generatorBackpressureNumObjects of f/);
  rejects(() => S.validateActorMethodOptions({ generatorBackpressureNumObjects: "2" }, "A.m"), /generatorBackpressureNumObjects/);
});

test("retry and restart counts accept -1 (forever) but nothing lower", () => {
  S.validateTaskOptions({ maxRetries: -1 }, "f");
  rejects(() => S.validateTaskOptions({ maxRetries: -2 }, "f"), /maxRetries of f must be an integer ≥ -1/);
  rejects(() => S.validateActorOptions({ maxRestarts: 0.5 }, "A"), /maxRestarts/);
});

test("maxConcurrency must be at least 1", () => {
  rejects(() => S.validateActorOptions({ maxConcurrency: 0 }, "A"), /maxConcurrency of A must be an integer ≥ 1/);
});

test("maxTaskRetries without restarts and getIfExists without a name are rejected, as in Ray", () => {
  rejects(() => S.validateActorOptions({ maxTaskRetries: 2 }, "A"), /needs maxRestarts/);
  rejects(() => S.validateActorOptions({ getIfExists: true }, "A"), /needs a name/);
});

test("CPU, GPU and memory inside resources point to their own options", () => {
  rejects(() => S.validateTaskOptions({ resources: { CPU: 1 } }, "f"), /use the numCpus option/);
  rejects(() => S.validateTaskOptions({ resources: { GPU: 1 } }, "f"), /use the numGpus option/);
  rejects(() => S.validateTaskOptions({ resources: [] }, "f"), /must be an object/);
});

test("malformed scheduling strategies are rejected", () => {
  rejects(() => S.validateTaskOptions({ schedulingStrategy: "PACK" }, "f"), /schedulingStrategy of f is "PACK"/);
  rejects(() => S.validateTaskOptions({ schedulingStrategy: { nodeId: "n1" } }, "f"), /soft must be/);
  rejects(() => S.validateTaskOptions({ schedulingStrategy: { nodeId: "", soft: true } }, "f"), /nodeId/);
  rejects(() => S.validateTaskOptions({ schedulingStrategy: { placementGroup: {} } }, "f"), /placementGroup must be/);
  rejects(
    () => S.validateTaskOptions({ schedulingStrategy: { placementGroup: { id: "pg" }, bundleIndex: -2 } }, "f"),
    /bundleIndex/,
  );
  rejects(() => S.validateActorOptions({ schedulingStrategy: { nodeId: "n", soft: true, extra: 1 } }, "A"), /unknown field "extra"/);
  S.validateTaskOptions({ schedulingStrategy: { placementGroup: { id: "pg" }, bundleIndex: -1 } }, "f");
  S.validateTaskOptions({ schedulingStrategy: { nodeId: "n1", soft: false } }, "f");
});

test("an empty namespace is rejected, as ray.init() rejects it", () => {
  rejects(() => S.validateActorOptions({ name: "a", namespace: "" }, "Counter"), /namespace of Counter must be a non-empty string/);
});

test("options that are not an object are rejected", () => {
  rejects(() => S.validateTaskOptions(null, "f"), /Options of f must be an object/);
  rejects(() => S.validateActorOptions([1], "A"), /must be an object/);
});

test("other option types are checked", () => {
  rejects(() => S.validateTaskOptions({ retryExceptions: "yes" }, "f"), /retryExceptions/);
  rejects(() => S.validateTaskOptions({ name: "" }, "f"), /name of f/);
  rejects(() => S.validateActorOptions({ lifetime: "forever" }, "A"), /lifetime/);
  rejects(() => S.validateActorOptions({ getIfExists: "yes", name: "a" }, "A"), /getIfExists/);
});


// Names that are also Object.prototype members: before, the lookup of CPU/GPU/memory found
// them on the prototype ("use the function Object() { [native code] } option").
const prototypeNames = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];

test("custom resources named like Object.prototype members are accepted as ordinary names", () => {
  for (const name of prototypeNames) {
    const resources = JSON.parse(`{${JSON.stringify(name)}: 1}`) as Record<string, number>; // __proto__ as an own key
    S.validateTaskOptions({ resources }, "f");
    S.validateActorOptions({ resources }, "Counter");
  }
});

test("resource sets keep custom names like Object.prototype members, in and out", () => {
  for (const name of prototypeNames) {
    const set = S.ResourceSet.of(JSON.parse(`{${JSON.stringify(name)}: 1.5}`) as Record<string, number>);
    assert.equal([...set.names()], [name]);
    const json = set.toJSON();
    assert.ok(Object.prototype.hasOwnProperty.call(json, name), `${name} is an own key of toJSON()`);
    assert.is(Object.getPrototypeOf(json), Object.prototype);
    assert.is(JSON.stringify(json), `{${JSON.stringify(name)}:1.5}`);
  }
});

test.run();
