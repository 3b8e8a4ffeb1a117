// The smallest tsray program: one remote function, called in a worker thread.
// Build and run: npm run build -w examples/add && node examples/add/dist/main.js
import * as ray from "tsray";

@ray.remote
function add(x: number, y: number): number {
  return x + y;
}

await ray.init();
const ref: ray.ObjectRef<number> = add.remote(1, 2);
console.log(`add.remote(1, 2) → ${await ray.get(ref)}`);
// Refs can be passed straight into other calls: they are resolved before the task runs.
const sum = add.remote(ref, add.remote(3, 4));
console.log(`add.remote(ref, add.remote(3, 4)) → ${await ray.get(sum)}`);
console.log(`add(5, 6) still runs locally → ${add(5, 6)}`);
await ray.shutdown();
