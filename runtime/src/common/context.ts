import type { ActorDescriptor } from "./task-spec.js";

/** The ids `ray.getRuntimeContext()` shows (plain data; `api/runtime-context.ts` adds the methods). */
export interface RuntimeContext {
  readonly jobId: string;
  readonly nodeId: string;
  /** The thread this code runs on (`driver` in the driver). */
  readonly workerId: string;
  /** The task or actor call running this code, if any. */
  readonly taskId?: string;
  /** The actor whose method runs this code, if any. */
  readonly actorId?: string;
  readonly namespace: string;
}

/**
 * What a core knows about the code running now beyond the ids: the running
 * task or actor call (absent in the driver). `api/runtime-context.ts` builds
 * the public context's methods from it.
 */
export interface RunningCallInfo {
  /** What the task or actor holds, user units (`getAssignedResources()`). */
  readonly resources: Readonly<Record<string, number>>;
  /** Absent while a module is imported. */
  readonly cancellation?: { readonly cancelled: boolean; readonly signal: AbortSignal };
  /** Set in an actor's constructor and methods. */
  readonly actor?: {
    readonly descriptor: ActorDescriptor;
    readonly reconstructed: boolean;
  };
}

/** What `Core.runtimeContext()` returns: the ids, and the running call when there is one. */
export interface CoreRuntimeContext extends RuntimeContext {
  readonly running?: RunningCallInfo;
}
