/**
 * Keeps one actor's calls in submission order per caller. A call leaves the
 * queue only when it is at the head of its caller's line and its ref
 * arguments have resolved, so calls from one caller reach the actor in the
 * order they were made even when their arguments resolve out of order. Lines
 * of different callers do not wait for each other.
 */
import type { MemoryStore } from "../object-store/memory-store.js";
import { resolveDeps } from "./dependency-resolver.js";
import type { ActorCallSubmission, ResolvedDeps } from "../common/task-spec.js";

export interface QueuedCall {
  readonly call: ActorCallSubmission;
  deps: ResolvedDeps | undefined;
  depsError: Error | undefined;
  resolved: boolean;
}

export interface ActorSubmitQueueEvents {
  /** The call may go to the actor now. */
  send(call: QueuedCall): void;
  /** An argument of the call failed; the call never runs. */
  failDeps(call: QueuedCall, error: Error): void;
}

export class ActorSubmitQueue {
  private readonly lines = new Map<string, QueuedCall[]>();
  private paused = true;

  constructor(
    private readonly store: MemoryStore,
    private readonly events: ActorSubmitQueueEvents,
  ) {}

  push(call: ActorCallSubmission): void {
    const q: QueuedCall = { call, deps: undefined, depsError: undefined, resolved: false };
    let line = this.lines.get(call.callerId);
    if (line === undefined) this.lines.set(call.callerId, (line = []));
    line.push(q);
    const { refIdx, refIds } = call.args;
    if (refIdx === undefined || refIds === undefined) {
      q.resolved = true;
    } else {
      resolveDeps(this.store, refIdx, refIds, (outcome) => {
        q.resolved = true;
        if (outcome.error !== undefined) q.depsError = outcome.error;
        else q.deps = outcome.deps;
        this.pump(call.callerId);
      });
    }
    this.pump(call.callerId);
  }

  /** Calls queued and not yet sent (waiting for their dependencies, their turn, or the actor's start). */
  get size(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.length;
    return n;
  }

  /** While paused (actor not started or restarting) calls only queue up. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const caller of [...this.lines.keys()]) this.pump(caller);
  }

  /** Removes the call (one `accept`s) if it has not been sent; undefined otherwise. */
  remove(taskId: string, accept: (q: QueuedCall) => boolean = () => true): QueuedCall | undefined {
    for (const [caller, line] of this.lines) {
      const i = line.findIndex((q) => q.call.taskId === taskId && accept(q));
      if (i >= 0) {
        const [q] = line.splice(i, 1);
        if (line.length === 0) this.lines.delete(caller);
        else this.pump(caller);
        return q;
      }
    }
    return undefined;
  }

  /** Empties the queue, returning every call that was waiting (the actor died). */
  drain(): QueuedCall[] {
    const all: QueuedCall[] = [];
    for (const line of this.lines.values()) all.push(...line);
    this.lines.clear();
    return all;
  }

  private pump(caller: string): void {
    if (this.paused) return;
    const line = this.lines.get(caller);
    if (line === undefined) return;
    while (line.length > 0 && line[0]!.resolved && !this.paused) {
      const q = line.shift()!;
      if (q.depsError !== undefined) this.events.failDeps(q, q.depsError);
      else this.events.send(q);
    }
    if (line.length === 0) this.lines.delete(caller);
  }
}
