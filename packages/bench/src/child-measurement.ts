/**
 * A measurement whose every run is one fresh child process (see
 * child-process.ts): for figures that only mean something from a cold start
 * or in a process of their own. A child that crashes, runs out of memory or
 * times out makes the run fail with what happened and how far it got.
 */
import type { Measurement, Sample } from "./case.js";
import { runChild } from "./child-process.js";

export function childMeasurement(
  label: string,
  script: URL,
  args: string[],
  timeoutMs: number,
  pick: (r: Record<string, number>) => Sample,
  warmup: number,
  nodeArgs: readonly string[],
): Measurement {
  return {
    label,
    warmup,
    warmupMs: 0, // every run is a fresh process: nothing to warm
    async run() {
      const out = await runChild<Record<string, number>>(script, { args, timeoutMs, nodeArgs: [...nodeArgs] });
      if (out.result === undefined) {
        const progress = out.lastProgress === undefined ? "" : `; last progress ${JSON.stringify(out.lastProgress)}`;
        const tail = out.stderrTail.trim().split("\n").slice(-3).join(" | ");
        throw new Error(`${label} child ${out.failure ?? "failed"}${progress}${tail === "" ? "" : `; stderr: ${tail}`}`);
      }
      return pick(out.result);
    },
  };
}
