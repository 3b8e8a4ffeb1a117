/** What `ray.getRuntimeContext()` returns. */
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
