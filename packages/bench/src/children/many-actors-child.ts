/**
 * One fresh process creating N actors (`hosting` shared or dedicated), calling
 * each once and getting every result. Reports the time of the `.remote()`
 * loop, the total time, the longest the driver's event loop was blocked
 * (`monitorEventLoopDelay`), and the peak RSS, also per actor above the idle
 * process (runtime started, one task run). Progress lines let the parent say
 * how far a run got if it is killed or runs out of memory.
 *
 * Usage: node --expose-gc many-actors-child.js shared|dedicated N
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as ray from "tsray";
import { reportProgress, reportResult } from "../child-process.js";
import { Cell, noop } from "../remote/remote-fns.js";
import { collectGarbage, nowMs } from "../timing.js";

const hosting = process.argv[2];
const n = Number(process.argv[3]);
if ((hosting !== "shared" && hosting !== "dedicated") || !(n > 0)) throw new Error("usage: many-actors-child.js shared|dedicated N");

await ray.init();
await ray.get(noop.remote());
collectGarbage();
const rssBefore = process.memoryUsage().rss;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const t0 = nowMs();
const Kind = Cell.options({ hosting });
const actors = Array.from({ length: n }, (_, i) => Kind.remote(i));
const createMs = nowMs() - t0;
const refs = actors.map((a) => a.get.remote());
const chunk = Math.max(1, Math.floor(n / 10));
for (let from = 0; from < n; from += chunk) {
  await ray.get(refs.slice(from, from + chunk));
  reportProgress({ done: Math.min(n, from + chunk), ms: nowMs() - t0, rss: process.memoryUsage().rss });
}
const totalMs = nowMs() - t0;
delay.disable();
const peakRss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
reportResult({
  createMs,
  totalMs,
  maxLoopDelayMs: delay.max / 1e6,
  peakRssMb: peakRss / 2 ** 20,
  bytesPerActor: (peakRss - rssBefore) / n,
});
await ray.shutdown();
process.exit(0);
