/**
 * One fresh process queueing N no-op tasks at once, then waiting for all of
 * them. Reports the time to submit, the time to finish, and the peak RSS
 * above the idle process (runtime started, one task run) per queued task.
 * Progress lines let the parent say how far a run got if it is killed or
 * runs out of memory.
 *
 * Usage: node --expose-gc queued-tasks-child.js tsray|piscina N
 */
import { availableParallelism } from "node:os";
import { reportProgress, reportResult } from "../child-process.js";
import { collectGarbage, nowMs } from "../timing.js";

const which = process.argv[2];
const n = Number(process.argv[3]);
const chunk = 100_000;

interface Subject {
  submit(): unknown;
  /** Waits for the results of handles [from, to). */
  settle(handles: unknown[], from: number, to: number): Promise<unknown>;
  stop(): Promise<void>;
}

async function subject(): Promise<Subject> {
  if (which === "tsray") {
    const ray = await import("tsray");
    const { noop } = await import("../remote/remote-fns.js");
    await ray.init();
    await ray.get(noop.remote());
    return {
      submit: () => noop.remote(),
      settle: (h, from, to) => ray.get(h.slice(from, to) as InstanceType<typeof ray.ObjectRef<number>>[]),
      stop: () => ray.shutdown(),
    };
  }
  if (which === "piscina") {
    const { piscinaPool, warmPool } = await import("../baselines/piscina-pool.js");
    const threads = availableParallelism();
    const pool = piscinaPool(threads);
    await warmPool(pool, threads);
    return {
      submit: () => pool.run(null, { name: "noop" }),
      settle: (h, from, to) => Promise.all(h.slice(from, to) as Promise<unknown>[]),
      stop: () => pool.destroy(),
    };
  }
  throw new Error(`unknown subject ${String(which)}: expected tsray or piscina`);
}

if (!(n > 0)) throw new Error("usage: queued-tasks-child.js tsray|piscina N");
const s = await subject();
collectGarbage();
const rssBefore = process.memoryUsage().rss;
const t0 = nowMs();
const handles: unknown[] = new Array(n);
for (let i = 0; i < n; i++) {
  handles[i] = s.submit();
  if ((i + 1) % chunk === 0) reportProgress({ submitted: i + 1, ms: nowMs() - t0, rss: process.memoryUsage().rss });
}
const submitMs = nowMs() - t0;
for (let from = 0; from < n; from += chunk) {
  const to = Math.min(n, from + chunk);
  await s.settle(handles, from, to);
  reportProgress({ submitted: n, done: to, ms: nowMs() - t0, rss: process.memoryUsage().rss });
}
const totalMs = nowMs() - t0;
const peakRss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
reportResult({ submitMs, totalMs, rssBefore, peakRss, bytesPerTask: (peakRss - rssBefore) / n });
await s.stop();
// Exit explicitly: a million settled refs are not what this measures; the runtime's tests check exit.
process.exit(0);
