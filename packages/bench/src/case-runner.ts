/**
 * Runs one case in this (fresh) process and prints its `CaseResult`. `main`
 * starts one runner per case, so each case gets a new heap, a new runtime
 * and new threads, and a crash or hang stays inside it.
 *
 * Runs are interleaved (tsray run 1, each baseline run 1, tsray run 2, …) so
 * that a burst of load from elsewhere on the machine lands on all of them
 * rather than on whichever happened to run during it. Garbage is collected
 * before every run (the runner is started with --expose-gc), outside the
 * timed part, and the finalizers it queued run before the run starts; a
 * measurement with `rewarm` then re-optimises what the collection threw
 * away, unmeasured (see `Measurement.rewarm`).
 *
 * Usage: node --expose-gc case-runner.js <case-name> '<CaseContext JSON>'
 */
import * as ray from "tsray";
import type { CaseContext, CaseResult, Measurement, Sample } from "./case.js";
import { findCase } from "./case-registry.js";
import { reportResult } from "./child-process.js";
import { collectGarbageAndFinalize, nowMs } from "./timing.js";

const [name, ctxJson] = process.argv.slice(2);
const def = name === undefined ? undefined : findCase(name);
if (def === undefined || ctxJson === undefined) throw new Error(`usage: case-runner.js <case-name> '<context json>' (got ${String(name)})`);
const ctx = JSON.parse(ctxJson) as CaseContext;
const started = nowMs();

interface Track {
  readonly m: Measurement;
  readonly runs: Sample[];
  readonly errors: string[];
  attempts: number;
  /** Set after two failures in a row: the measurement is broken, not unlucky; stop spending time on it. */
  givenUp: boolean;
}

async function runCase(): Promise<CaseResult> {
  const base = { name: def!.name, summary: def!.summary, metrics: def!.metrics };
  if (def!.needsRuntime) await ray.init({ numCpus: ctx.cpus, ...(def!.initResources !== undefined ? { resources: def!.initResources } : {}) });
  try {
    const inst = await def!.setup(ctx);
    if ("unavailable" in inst) return { ...base, measurements: [], notes: [], unavailable: inst.unavailable, wallMs: nowMs() - started };
    const tracks: Track[] = [inst.tsray, ...inst.baselines].map((m) => ({ m, runs: [], errors: [], attempts: 0, givenUp: false }));
    // A failed run is recorded, never replaced by a number; the median is over the runs that succeeded.
    const lastFailed = new Set<Track>();
    const attempt = async (t: Track, keep: boolean) => {
      if (t.givenUp) return;
      await collectGarbageAndFinalize();
      t.attempts++;
      try {
        if (keep && t.m.rewarm === true) await t.m.run();
        const s = await t.m.run();
        if (keep) t.runs.push(s);
        lastFailed.delete(t);
      } catch (e) {
        t.errors.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        if (lastFailed.has(t)) t.givenUp = true;
        lastFailed.add(t);
      }
    };
    for (const t of tracks) {
      const t0 = nowMs();
      const minMs = t.m.warmupMs ?? 1000;
      for (let w = 0; w < 20 && (w < (t.m.warmup ?? 1) || nowMs() - t0 < minMs); w++) await attempt(t, false);
    }
    const runs = inst.runs ?? ctx.runs;
    for (let r = 0; r < runs; r++) for (const t of tracks) await attempt(t, true);
    await inst.teardown();
    return {
      ...base,
      measurements: tracks.map((t) => ({
        label: t.m.label,
        runs: t.runs,
        ...(t.errors.length > 0
          ? { error: `${t.errors.length} of ${t.attempts} runs failed${t.givenUp ? " (gave up after two in a row)" : ""}; first: ${t.errors[0]}` }
          : {}),
      })),
      notes: inst.notes ?? [],
      wallMs: nowMs() - started,
    };
  } finally {
    if (def!.needsRuntime) await ray.shutdown();
  }
}

try {
  reportResult(await runCase());
} catch (e) {
  const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  reportResult({ name: def.name, summary: def.summary, metrics: def.metrics, measurements: [], notes: [], error, wallMs: nowMs() - started } satisfies CaseResult);
}
// Exit explicitly: a runtime that fails to let go of the event loop must not hang the suite
// (exit after shutdown is the runtime test suite's business, not the benchmark's).
process.exit(0);
