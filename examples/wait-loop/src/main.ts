// Process results as soon as they finish, not in submission order, with ray.wait.
// Build and run: npm run build -w examples/wait-loop && node examples/wait-loop/dist/main.js
import * as ray from "tsray";

/** Simulated work of varying length. */
@ray.remote
async function work(id: number, ms: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return `task ${id} (${ms} ms)`;
}

await ray.init();
const durations = [400, 100, 300, 50, 200, 150];
let pending = durations.map((ms, id) => work.remote(id, ms));
while (pending.length > 0) {
  const [ready, notReady] = await ray.wait(pending, { numReturns: 1 });
  for (const ref of ready) console.log(`finished: ${await ray.get(ref)}`);
  pending = notReady;
}
await ray.shutdown();
