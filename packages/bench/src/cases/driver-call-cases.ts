/**
 * The two shapes Ray's microbenchmark measures for both tasks and 1:1 actor
 * calls, written once: one call at a time awaited (round-trip µs) and batches
 * of 1,000 calls in flight (calls/s). Each compares the same tsray call with
 * piscina running the equivalent function on as many threads, and with a raw
 * `postMessage` echo on as many threads.
 */
import * as ray from "tsray";
import { EchoThreads } from "../baselines/post-message.js";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import { piscinaAsync, piscinaSync } from "../baselines/piscina-measures.js";
import type { CaseContext, CaseDefinition, Target } from "../case.js";
import { microsPerOp, nowMs, perSecond } from "../timing.js";

/** What a case calls: a started tsray subject (a task, or a method of a live actor) and its setting. */
export interface DriverCallSubject {
  /** Threads for the tsray pool's peers: piscina and the echo baseline get this many. */
  readonly threads: number;
  /** The piscina worker's export doing the equivalent work ("noop", "small"). */
  readonly piscinaFn: string;
  /** Shown in the notes after the counts, e.g. "2 threads each". */
  readonly where: string;
  /** One tsray call; its ref is awaited by the case. */
  call(): ray.ObjectRef<number>;
  dispose(): void;
}

export interface DriverCallCase {
  readonly name: string;
  readonly summary: string;
  /** "tasks" or "calls": the noun in the notes. */
  readonly noun: string;
  readonly target: Target;
  /** Starts (and warms) what is called; runs in the case-runner process after `ray.init`. */
  start(ctx: CaseContext): Promise<DriverCallSubject>;
}

function piscinaLabel(threads: number): string {
  return `piscina (${threads} thread${threads === 1 ? "" : "s"})`;
}

/** `await ray.get(call())`, `ops` times in a row; µs per call. */
export function roundTripCase(spec: DriverCallCase): CaseDefinition {
  return {
    name: spec.name,
    summary: spec.summary,
    needsRuntime: true,
    metrics: [{ key: "value", unit: "µs", target: spec.target }],
    async setup(ctx) {
      const ops = ctx.quick ? 500 : 2000;
      const subject = await spec.start(ctx);
      const pool = piscinaPool(subject.threads);
      await warmPool(pool, subject.threads);
      const echo = await EchoThreads.start(subject.threads);
      return {
        notes: [`${ops} ${spec.noun} per run; ${subject.where}`],
        tsray: {
          label: "tsray",
          rewarm: true,
          async run() {
            const t0 = nowMs();
            for (let i = 0; i < ops; i++) await ray.get(subject.call());
            return { value: microsPerOp(ops, nowMs() - t0) };
          },
        },
        baselines: [
          piscinaSync(piscinaLabel(subject.threads), pool, subject.piscinaFn, ops),
          {
            label: "postMessage round trip",
            rewarm: true,
            run: async () => ({ value: await echo.roundTripMicros(ops) }),
          },
        ],
        async teardown() {
          subject.dispose();
          await pool.destroy();
          await echo.stop();
        },
      };
    },
  };
}

/** `ray.get([1,000 × call()])`, repeated; calls per second. */
export function batchCase(spec: DriverCallCase): CaseDefinition {
  return {
    name: spec.name,
    summary: spec.summary,
    needsRuntime: true,
    metrics: [{ key: "value", unit: "ops/s", target: spec.target }],
    async setup(ctx) {
      const batch = 1000;
      const batches = ctx.quick ? 5 : 20;
      const subject = await spec.start(ctx);
      const pool = piscinaPool(subject.threads);
      await warmPool(pool, subject.threads);
      const echo = await EchoThreads.start(subject.threads);
      return {
        notes: [`${batches} batches of ${batch} per run; ${subject.where}`],
        tsray: {
          label: "tsray",
          async run() {
            const t0 = nowMs();
            for (let b = 0; b < batches; b++) {
              const refs: ray.ObjectRef<number>[] = new Array(batch);
              for (let i = 0; i < batch; i++) refs[i] = subject.call();
              await ray.get(refs);
            }
            return { value: perSecond(batch * batches, nowMs() - t0) };
          },
        },
        baselines: [
          piscinaAsync(piscinaLabel(subject.threads), pool, subject.piscinaFn, batch, batches),
          {
            label: "postMessage pipelined",
            async run() {
              const t0 = nowMs();
              for (let b = 0; b < batches; b++) await echo.pipelinedPerSecond(batch);
              return { value: perSecond(batch * batches, nowMs() - t0) };
            },
          },
        ],
        async teardown() {
          subject.dispose();
          await pool.destroy();
          await echo.stop();
        },
      };
    },
  };
}
