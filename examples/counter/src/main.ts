// A stateful actor: every Counter lives in its own worker thread, and the
// calls one caller makes run in the order they were made.
// Build and run: npm run build -w examples/counter && node examples/counter/dist/main.js
import * as ray from "tsray";

@ray.remote
class Counter {
  val = 0;
  constructor(private cap: number) {}
  increment(inc = 1): number {
    this.val = (this.val + inc) % this.cap;
    return this.val;
  }
}

await ray.init();
const c: ray.ActorHandle<Counter> = Counter.remote(15);
console.log(`c.increment.remote(1) → ${await ray.get(c.increment.remote(1))}`);

// Ten calls in a row: they run in submission order, so the results count up.
const refs = Array.from({ length: 10 }, () => c.increment.remote(2));
console.log(`ten more increments of 2 (mod 15) → ${(await ray.get(refs)).join(" ")}`);

// A named actor can be found from anywhere in the cluster.
Counter.options({ name: "global" }).remote(100);
const found = await ray.getActor<Counter>("global");
console.log(`the actor named "global" → ${await ray.get(found.increment.remote(42))}`);

ray.kill(c);
try {
  await ray.get(c.increment.remote(1));
} catch (e) {
  console.log(`after ray.kill → ${(e as Error).name}`);
}
await ray.shutdown();
