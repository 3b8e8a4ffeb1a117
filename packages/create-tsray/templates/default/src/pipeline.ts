// The remote work of this project: a task and an actor. `@ray.remote` is
// compiled by @tsray/transformer (the plugin in tsconfig.json): `square.remote`
// and `Tally.remote` are typed, and workers find them by a stable id.
import * as ray from "tsray";

/** A task: runs on a worker thread; `square.remote(n)` returns an ObjectRef<number> at once. */
@ray.remote
export function square(n: number): number {
  return n * n;
}

/** An actor: one instance lives in a worker; calls from one caller run in order. */
@ray.remote
export class Tally {
  private sum = 0;

  add(value: number): number {
    this.sum += value;
    return this.sum;
  }

  total(): number {
    return this.sum;
  }
}
