/**
 * `1_1_actor_calls_sync` and `1_1_actor_calls_async` (ray_perf.py: "1:1
 * actor calls sync/async"): the driver calls `small()` on one actor, one call
 * at a time or 1,000 in flight. An actor is one thread holding state, so the
 * equivalent piscina pool has exactly one thread (whose module-level counter
 * is the state), and the raw baseline one echo thread.
 */
import * as ray from "tsray";
import { Server } from "../remote/remote-fns.js";
import { batchCase, roundTripCase, type DriverCallSubject } from "./driver-call-cases.js";

async function oneActor(): Promise<DriverCallSubject> {
  const actor = Server.remote();
  await ray.get(actor.small.remote());
  return {
    threads: 1,
    piscinaFn: "small",
    where: "one actor thread / one piscina thread",
    call: () => actor.small.remote(),
    dispose: () => ray.kill(actor),
  };
}

export const actorCallsSync = roundTripCase({
  name: "1_1_actor_calls_sync",
  summary: "await ray.get(actor.small.remote()), one call at a time; µs per call",
  noun: "calls",
  target: { kind: "ratio", baseline: "piscina", op: "<=", value: 1.5, text: "≤ 1.5× piscina round trip" },
  start: oneActor,
});

export const actorCallsAsync = batchCase({
  name: "1_1_actor_calls_async",
  summary: "ray.get([1,000 × actor.small.remote()]), repeated; calls per second",
  noun: "calls",
  target: { kind: "ratio", baseline: "piscina", op: ">=", value: 1.0, text: "≥ 1.0× piscina" },
  start: oneActor,
});
