/**
 * Every case, in the order the suite runs and prints them: Ray's
 * microbenchmark names first (in ray_perf.py's spirit: tasks, actors,
 * objects, wait, placement groups), then the additions.
 */
import { actorCallsAsync, actorCallsSync } from "./cases/actor-calls.js";
import { nToNActorCalls, oneToNActorCalls } from "./cases/actor-fan-out.js";
import { initToFirstResult } from "./cases/init-latency.js";
import { queuedMillionTasks } from "./cases/queued-tasks.js";
import { manyActors } from "./cases/many-actors.js";
import { cpuSpeedup } from "./cases/cpu-speedup.js";
import { singleClientGetCalls, singleClientPutCalls } from "./cases/object-calls.js";
import { placementGroupCreateRemoval } from "./cases/placement-group.js";
import { singleClientPutGigabytes } from "./cases/put-gigabytes.js";
import { singleClientTasksAsync, singleClientTasksSync } from "./cases/single-client-tasks.js";
import { singleClientWait1kRefs } from "./cases/wait-refs.js";
import { wsRoundTrip } from "./cases/ws-round-trip.js";
import { crossNodeTasks } from "./cases/cross-node-tasks.js";
import { crossNodeObjects } from "./cases/cross-node-objects.js";
import { nodeDeathDetection } from "./cases/node-death.js";
import type { CaseDefinition } from "./case.js";

export const allCases: readonly CaseDefinition[] = [
  singleClientTasksSync,
  singleClientTasksAsync,
  actorCallsSync,
  actorCallsAsync,
  oneToNActorCalls,
  nToNActorCalls,
  singleClientGetCalls,
  singleClientPutCalls,
  singleClientPutGigabytes,
  singleClientWait1kRefs,
  placementGroupCreateRemoval,
  cpuSpeedup,
  initToFirstResult,
  queuedMillionTasks,
  manyActors,
  wsRoundTrip,
  crossNodeTasks,
  crossNodeObjects,
  nodeDeathDetection,
];

export function findCase(name: string): CaseDefinition | undefined {
  return allCases.find((c) => c.name === name);
}
