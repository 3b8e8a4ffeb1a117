/**
 * `init_to_first_result`: in a fresh process per run, `ray.init()` to the
 * first task's value (threads start, the remote module loads in a worker, one
 * task runs), and the same moment counted from process start. Baselines:
 * `new Piscina()` to its first `run()`, `new Worker()` to its first reply.
 */
import type { CaseDefinition, Sample } from "../case.js";
import { childMeasurement } from "../child-measurement.js";

const initChild = new URL("../children/init-latency-child.js", import.meta.url);
/**
 * Plain `node`, as users start programs. Children used to run with
 * --expose-gc (they do not collect garbage): that V8 flag slowed every
 * contender's start here (tsray's first result ≈ +30 ms, piscina's and the
 * bare Worker's ≈ +20–35 ms), most likely because Node's built-in code cache
 * for its internal modules is not used when V8's flags differ from the build's.
 */
const plainNode: readonly string[] = [];

export const initToFirstResult: CaseDefinition = {
  name: "init_to_first_result",
  summary: "fresh process: ray.init() → first noop result; ms",
  needsRuntime: false,
  metrics: [
    { key: "init", unit: "ms", title: "init → result", target: { kind: "absolute", op: "<=", value: 150, text: "≤ 150 ms" } },
    { key: "process", unit: "ms", title: "process start → result" },
  ],
  async setup() {
    const pick = (r: Record<string, number>): Sample => ({ init: r["initMs"]!, process: r["sinceProcessStartMs"]! });
    return {
      notes: ["one child process per run; piscina: new Piscina → first run; Worker: new Worker → first reply"],
      tsray: childMeasurement("tsray", initChild, ["tsray"], 30_000, pick, 1, plainNode),
      baselines: [
        childMeasurement("piscina", initChild, ["piscina"], 30_000, pick, 1, plainNode),
        childMeasurement("new Worker + postMessage", initChild, ["worker"], 30_000, pick, 1, plainNode),
      ],
      async teardown() {},
    };
  },
};
