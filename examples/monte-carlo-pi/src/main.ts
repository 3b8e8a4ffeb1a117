// Estimate π by sampling random points in the unit square, split over N tasks
// that run in parallel on the embedded local cluster. Shows progress as results
// arrive (ray.progress), then the estimate and the speed-up against doing the
// same work in one thread.
// Run from the repository root: npm start
import { availableParallelism } from "node:os";
import * as ray from "tsray";

const TASKS = Number(process.env["PI_TASKS"] ?? 16);
const SAMPLES_PER_TASK = Number(process.env["PI_SAMPLES"] ?? 4_000_000);

/** Counts how many of `samples` random points fall inside the quarter circle. */
@ray.remote
function samplePi(samples: number, seed: number): number {
  // A small xorshift generator: deterministic per task, and cheaper than Math.random.
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    const x = next();
    const y = next();
    if (x * x + y * y <= 1) inside++;
  }
  return inside;
}

const threads = availableParallelism();
await ray.init({ numCpus: threads });
console.log(`${TASKS} tasks × ${SAMPLES_PER_TASK.toLocaleString("en")} samples on ${threads} worker threads`);
// Warm-up, so thread start-up and module loading are not timed.
await ray.get([samplePi.remote(1, 1), samplePi.remote(1, 2)]);

// Parallel: N tasks, with a progress bar on stderr as they finish (a line every 25% when
// stderr is not a terminal).
const started = performance.now();
const refs = Array.from({ length: TASKS }, (_, i) => samplePi.remote(SAMPLES_PER_TASK, i + 1));
const counts = await ray.progress(refs, { label: "sampling", every: 25 });
const inside = counts.reduce((sum, n) => sum + n, 0);
const parallelMs = performance.now() - started;

// The same work in this thread, one task after another.
const serialStarted = performance.now();
let serialInside = 0;
for (let i = 0; i < TASKS; i++) serialInside += samplePi(SAMPLES_PER_TASK, i + 1);
const serialMs = performance.now() - serialStarted;

const total = TASKS * SAMPLES_PER_TASK;
console.log(`π ≈ ${((4 * inside) / total).toFixed(6)} from ${total.toLocaleString("en")} samples (error ${Math.abs((4 * inside) / total - Math.PI).toExponential(2)})`);
console.log(`same count in one thread: ${serialInside === inside ? "yes" : "NO"}`);
console.log(
  `parallel: ${parallelMs.toFixed(0)} ms · one thread: ${serialMs.toFixed(0)} ms · ` +
    `speed-up ×${(serialMs / parallelMs).toFixed(2)} (ideal ×${Math.min(threads, TASKS)}, less on a busy machine)`,
);
await ray.shutdown();
