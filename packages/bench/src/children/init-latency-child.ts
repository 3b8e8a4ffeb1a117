/**
 * One fresh process measuring the time from start-up to a first result.
 * `tsray`: from just before `ray.init()` to the value of the first
 * `noop.remote()` (threads start, the remote module loads in a worker, one
 * task runs). `piscina`: from `new Piscina()` to its first `run()` result.
 * `worker`: from `new Worker()` to its first echo reply. Each also reports
 * the time since the process started (Node's own boot and module loading
 * included), which is what a user waits for.
 *
 * Usage: node init-latency-child.js tsray|piscina|worker
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { reportResult } from "../child-process.js";

const which = process.argv[2];
/** `initMs`: from the subject's start call to its first result; `sinceProcessStartMs`: that moment since process start. */
function report(initMs: number, sinceProcessStartMs: number): void {
  // performance.now() counts from the process's time origin, so the second figure includes Node's boot.
  reportResult({ initMs, sinceProcessStartMs });
}

/** Reports as soon as the first result is in, then stops what it started. */
async function main(): Promise<void> {
  if (which === "tsray") {
    const ray = await import("tsray");
    const { noop } = await import("../remote/remote-fns.js");
    const t0 = performance.now();
    await ray.init();
    await ray.get(noop.remote());
    const at = performance.now();
    report(at - t0, at);
    await ray.shutdown();
    return;
  }
  if (which === "piscina") {
    const { piscinaPool } = await import("../baselines/piscina-pool.js");
    const { availableParallelism } = await import("node:os");
    const t0 = performance.now();
    const pool = piscinaPool(availableParallelism());
    await pool.run(null, { name: "noop" });
    const at = performance.now();
    report(at - t0, at);
    // No pool.destroy(): the second thread may still be starting, and terminating a piscina
    // thread mid-start has aborted the process (SIGABRT in its require) on this machine.
    return;
  }
  if (which === "worker") {
    const t0 = performance.now();
    const w = new Worker(new URL("../baselines/echo-worker.js", import.meta.url));
    w.postMessage({ id: 1 });
    await once(w, "message");
    const at = performance.now();
    report(at - t0, at);
    await w.terminate();
    return;
  }
  throw new Error(`unknown subject ${String(which)}: expected tsray, piscina or worker`);
}

await main();
// Exit explicitly: this child measures start-up, not shutdown (the runtime's own tests check exit).
process.exit(0);
