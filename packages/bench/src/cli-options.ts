/**
 * Command-line flags of `npm run bench -- …`:
 *   --only a,b     run only the named cases (see --list)
 *   --runs N       measured runs per figure (default 5; the median is reported)
 *   --quick        smaller workloads, 3 runs, N = 100,000 queued tasks
 *   --queued N     tasks for queued_1m_tasks (default 1,000,000)
 *   --queued-runs N  runs of queued_1m_tasks (default 1: one run of 1M tasks takes about a minute per subject)
 *   --cpus N       CPUs for tsray and thread count for the pools (default: this machine's)
 *   --actors-dedicated  n_actors_1000 also runs dedicated actors (a thread each: minutes, gigabytes)
 *   --json FILE    also write the raw per-run figures to FILE
 *   --md FILE      also write the results as a Markdown table (for docs/benchmarks.md)
 *   --wait-idle PCT  before each case, wait (up to --wait-idle-timeout S, default 90) until other
 *                  processes use at most PCT% of all CPUs; the busy share is printed either way
 *   --cpu-prof DIR run each case runner (and its threads) under --cpu-prof, profiles written to DIR
 *   --list         print the case names and exit
 */
import { availableParallelism } from "node:os";

export interface CliOptions {
  readonly only: readonly string[] | undefined;
  readonly runs: number;
  readonly quick: boolean;
  readonly queuedTasks: number;
  readonly queuedRuns: number;
  readonly cpus: number;
  readonly dedicatedActors: boolean;
  readonly json: string | undefined;
  readonly md: string | undefined;
  readonly cpuProf: string | undefined;
  /** Busy share (0…1) to wait for before each case, or undefined to start at once. */
  readonly waitIdle: number | undefined;
  readonly waitIdleTimeoutS: number;
  readonly list: boolean;
}

export function parseCliOptions(argv: readonly string[]): CliOptions {
  let only: string[] | undefined;
  let runs: number | undefined;
  let quick = false;
  let queued: number | undefined;
  let queuedRuns = 1;
  let cpus = availableParallelism();
  let json: string | undefined;
  let md: string | undefined;
  let cpuProf: string | undefined;
  let waitIdle: number | undefined;
  let waitIdleTimeoutS = 90;
  let list = false;
  let dedicatedActors = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const count = (what: string): number => {
      const v = value();
      const n = Number(v.replace(/_/g, ""));
      if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${v}`);
      return n;
    };
    switch (flag) {
      case "--only":
        only = value().split(",").map((s) => s.trim()).filter((s) => s !== "");
        break;
      case "--runs":
        runs = count("--runs");
        break;
      case "--quick":
        quick = true;
        break;
      case "--queued":
        queued = count("--queued");
        break;
      case "--queued-runs":
        queuedRuns = count("--queued-runs");
        break;
      case "--cpus":
        cpus = count("--cpus");
        break;
      case "--json":
        json = value();
        break;
      case "--md":
        md = value();
        break;
      case "--wait-idle": {
        const v = Number(value());
        if (!(v >= 0 && v <= 100)) throw new Error("--wait-idle takes a percentage between 0 and 100");
        waitIdle = v / 100;
        break;
      }
      case "--wait-idle-timeout":
        waitIdleTimeoutS = count("--wait-idle-timeout");
        break;
      case "--cpu-prof":
        cpuProf = value();
        break;
      case "--list":
        list = true;
        break;
      case "--actors-dedicated":
        dedicatedActors = true;
        break;
      default:
        throw new Error(`unknown flag ${a}; flags: --only a,b --runs N --quick --queued N --queued-runs N --cpus N --json FILE --md FILE --actors-dedicated --cpu-prof DIR --wait-idle PCT --wait-idle-timeout S --list`);
    }
  }
  return { only, runs: runs ?? (quick ? 3 : 5), quick, queuedTasks: queued ?? (quick ? 100_000 : 1_000_000), queuedRuns, cpus, dedicatedActors, json, md, cpuProf, waitIdle, waitIdleTimeoutS, list };
}
