/**
 * How busy the machine is right now, from /proc/stat (Linux): the share of
 * all CPUs' time spent not idle over a short window. Sampled between cases,
 * while the suite itself is idle, it measures what *other* processes are
 * doing — which the load average cannot tell apart from our own last case.
 * `--wait-idle` uses it to start each case in a quiet moment.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

interface CpuTimes {
  readonly idle: number;
  readonly total: number;
}

function readCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle time is idle + iowait.
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { idle, total };
  } catch {
    return undefined;
  }
}

/** Busy share of all CPUs (0…1) over the next `ms` milliseconds; undefined off Linux. */
export async function busyShare(ms: number): Promise<number | undefined> {
  const a = readCpuTimes();
  await sleep(ms);
  const b = readCpuTimes();
  if (a === undefined || b === undefined || b.total === a.total) return undefined;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Waits until the machine is at most `maxShare` busy (sampled over 1 s), or
 * `timeoutMs` passes. Returns the last sample, so the report can state it.
 */
export async function waitForIdle(maxShare: number, timeoutMs: number): Promise<{ share: number | undefined; waitedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const share = await busyShare(1000);
    const waitedMs = Date.now() - t0;
    if (share === undefined || share <= maxShare || waitedMs >= timeoutMs) return { share, waitedMs };
  }
}
