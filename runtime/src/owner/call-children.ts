/**
 * The tasks an actor call (or constructor) submitted, while they live, so that
 * `ray.cancel(callRef)` (recursive, the default) cancels them too. A task's
 * children are on its own record (`TaskState.children`); an actor call has no
 * record in the task manager, hence this table. Only such tasks have an entry,
 * and it goes when the task is forgotten: nothing grows with calls that
 * submit nothing, nor outlives the tasks.
 */
export class CallChildren {
  private readonly byCall = new Map<string, Set<string>>();
  private readonly callOf = new Map<string, string>();

  adopt(callId: string, taskId: string): void {
    let children = this.byCall.get(callId);
    if (children === undefined) this.byCall.set(callId, (children = new Set()));
    children.add(taskId);
    this.callOf.set(taskId, callId);
  }

  /** The task settled: it leaves its call's set. O(1), and free while no actor call submitted anything. */
  forget(taskId: string): void {
    if (this.callOf.size === 0) return;
    const callId = this.callOf.get(taskId);
    if (callId === undefined) return;
    this.callOf.delete(taskId);
    const siblings = this.byCall.get(callId)!;
    siblings.delete(taskId);
    if (siblings.size === 0) this.byCall.delete(callId);
  }

  /** The live tasks `callId` submitted (a copy: cancelling them changes the set). */
  of(callId: string): string[] {
    const children = this.byCall.get(callId);
    return children === undefined ? [] : [...children];
  }
}
