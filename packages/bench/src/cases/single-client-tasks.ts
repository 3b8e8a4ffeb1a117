/**
 * `single_client_tasks_sync` and `single_client_tasks_async` (ray_perf.py:
 * "single client tasks sync/async"): the driver submits `noop` tasks, one at a
 * time and waiting for each, or 1,000 at once and waiting for all. The pool
 * has one thread per CPU; piscina and the raw echo threads get as many.
 */
import type { CaseContext } from "../case.js";
import { noop } from "../remote/remote-fns.js";
import { batchCase, roundTripCase, type DriverCallSubject } from "./driver-call-cases.js";

async function noopTasks(ctx: CaseContext): Promise<DriverCallSubject> {
  return {
    threads: ctx.cpus,
    piscinaFn: "noop",
    where: `${ctx.cpus} threads each`,
    call: () => noop.remote(),
    dispose: () => undefined,
  };
}

export const singleClientTasksSync = roundTripCase({
  name: "single_client_tasks_sync",
  summary: "await ray.get(noop.remote()), one task at a time; µs per task",
  noun: "tasks",
  target: { kind: "ratio", baseline: "piscina", op: "<=", value: 1.5, text: "≤ 1.5× piscina round trip" },
  start: noopTasks,
});

export const singleClientTasksAsync = batchCase({
  name: "single_client_tasks_async",
  summary: "ray.get([1,000 × noop.remote()]), repeated; tasks per second",
  noun: "tasks",
  target: { kind: "ratio", baseline: "piscina", op: ">=", value: 1.0, text: "≥ 1.0× piscina (stretch 1.5×)" },
  start: noopTasks,
});
