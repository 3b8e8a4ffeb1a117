/**
 * The shape of a benchmark case. A case names the metrics it reports, builds
 * (in the case-runner process) one tsray measurement and zero or more
 * baselines that do equivalent work, and says which issue target applies.
 * The runner then runs every measurement the same number of times,
 * interleaved, so that a disturbance on the machine hits tsray and its
 * baselines alike.
 */

/** Units, each with a fixed direction: see `higherIsBetter`. */
export type Unit = "ops/s" | "µs" | "GB/s" | "ms" | "×" | "B/task" | "rounds/s" | "MB" | "MB/s";

export function higherIsBetter(unit: Unit): boolean {
  return unit === "ops/s" || unit === "GB/s" || unit === "MB/s" || unit === "×" || unit === "rounds/s";
}

/** What one run of a measurement yields: metric key → figure. */
export type Sample = Record<string, number>;

export interface Measurement {
  /** Shown in the report, e.g. "tsray" or "piscina (2 threads)". */
  readonly label: string;
  /** Unmeasured runs before the measured ones (JIT warm-up, thread start). Default 1. */
  readonly warmup?: number;
  /**
   * Keep warming up (more unmeasured runs, at most 20) until this much time has passed. Default
   * 1000 ms, as Ray's `timeit` warms up for a second: on this VM latency keeps falling for a
   * while after threads start working (JIT tiers, idle vCPUs being woken). Cases whose runs are
   * long or start fresh processes set 0.
   */
  readonly warmupMs?: number;
  /**
   * Unmeasured work done after the collection that precedes every measured run, just before it.
   * That collection (`gc()`) throws away optimised code that embedded objects which have died
   * (V8 deoptimises it, "weak objects"), and re-optimising it happens on V8's background threads
   * during the next run: on this 2-core VM that work competes with the driver and the worker
   * thread, so a short run measures the re-optimisation more than the steady state (round trips:
   * tasks +20–35 µs, piscina +25–40 µs, actor calls less, their path being shorter). Cases of
   * microsecond operations set it: the runner then does one unmeasured run (its figure dropped)
   * between the collection and the measured run.
   */
  readonly rewarm?: boolean;
  run(): Promise<Sample>;
}

/**
 * An issue target. `ratio`: tsray's figure divided by the named baseline's
 * (same unit) compared with `value`; `absolute`: tsray's figure itself.
 */
export type Target =
  | { readonly kind: "ratio"; readonly baseline: string; readonly op: ">=" | "<="; readonly value: number; readonly text: string }
  | { readonly kind: "absolute"; readonly op: ">=" | "<="; readonly value: number; readonly text: string };

export interface MetricSpec {
  readonly key: string;
  readonly unit: Unit;
  /** Shown after the case name when a case has more than one metric. */
  readonly title?: string;
  readonly target?: Target;
}

export interface CaseContext {
  /** Measured runs per measurement. */
  readonly runs: number;
  /** Smaller workloads (`--quick`). */
  readonly quick: boolean;
  /** Tasks for the queued-tasks case (`--queued N`). */
  readonly queuedTasks: number;
  /** Runs of the queued-tasks case (`--queued-runs N`). */
  readonly queuedRuns: number;
  /** CPUs tsray and the pools are given (the machine's, by default). */
  readonly cpus: number;
  /** Also run n_actors_1000 with dedicated actors (`--actors-dedicated`). */
  readonly dedicatedActors: boolean;
}

export interface CaseInstance {
  readonly tsray: Measurement;
  readonly baselines: readonly Measurement[];
  /** Facts worth printing with the figures (sizes, counts, caveats). */
  readonly notes?: readonly string[];
  /** Overrides the runner's run count (e.g. one child process per run is expensive). */
  readonly runs?: number;
  teardown(): Promise<void>;
}

export interface CaseDefinition {
  readonly name: string;
  /** One line: what a run does. */
  readonly summary: string;
  readonly metrics: readonly MetricSpec[];
  /** Whether the case needs `ray.init()` in the runner process (child-process cases do not). */
  readonly needsRuntime: boolean;
  /** Custom resources for that `ray.init()` (Ray's placement-group benchmark inits with `{ custom: 100 }`). */
  readonly initResources?: Readonly<Record<string, number>>;
  /** Returns undefined when the case cannot run on this runtime (e.g. an API it lacks), with why. */
  setup(ctx: CaseContext): Promise<CaseInstance | { readonly unavailable: string }>;
}

/** What a case-runner process reports back to `main` (JSON). */
export interface CaseResult {
  readonly name: string;
  readonly summary: string;
  readonly metrics: readonly MetricSpec[];
  readonly measurements: readonly { readonly label: string; readonly runs: readonly Sample[]; readonly error?: string }[];
  readonly notes: readonly string[];
  readonly unavailable?: string;
  readonly error?: string;
  readonly wallMs: number;
}
