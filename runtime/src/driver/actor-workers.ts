/**
 * How the nodes of the driver's process start the workers of the actors
 * placed on them (node/local-node-client.ts `ActorWorkerStarter`): threads
 * start paced (never inside `Cls.remote()`, see thread-start-pacer.ts); a
 * process worker (GPU work with `gpuWorkers: "process"`, or `isolation:
 * "process"`) starts at once. Each node's workers carry that node's identity
 * (`ray.getRuntimeContext().nodeId`); their messages and exits come to the
 * driver's owner through `events`.
 */
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import type { ActorWorkerStarter } from "../node/local-node-client.js";
import type { ThreadStartPacer } from "../node/thread-start-pacer.js";
import { WorkerClient, type WorkerClientEvents, type WorkerLimits } from "../node/worker-client.js";
import type { TsrayWorkerData } from "../protocol/thread-messages.js";

export interface ActorWorkerParts {
  readonly events: WorkerClientEvents;
  /** The next thread's start data on this node (an actor's, or undefined for a shared host). */
  readonly threadData: (actorId: string | undefined) => TsrayWorkerData;
  readonly threadStarts: ThreadStartPacer;
  /** GPU actors run in child processes (`init({ gpuWorkers: "process" })`). */
  readonly processes: boolean;
  readonly limits: WorkerLimits;
}

export function actorWorkerStarter(p: ActorWorkerParts): ActorWorkerStarter {
  return {
    startActorWorker: (actorId, gpuIds, isolation) =>
      isolation === "process" || (p.processes && gpuIds.length > 0)
        ? new WorkerClient(p.threadData(actorId), p.events, { gpuIds, fork }, undefined, p.limits)
        : p.threadStarts.startThread(p.threadData(actorId), p.events, p.limits),
    startSharedActorHost: () => {
      const { preload: _preload, ...data } = p.threadData(undefined);
      return p.threadStarts.startThread({ ...data, sharedActors: true }, p.events, p.limits);
    },
    sharedSpread: Math.max(1, availableParallelism()),
  };
}
