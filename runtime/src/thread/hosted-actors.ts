/**
 * The actors a worker thread hosts, by id: one on an actor's dedicated
 * thread, up to the driver's limit on a shared one (`hosting: "shared"`).
 * Each is an `ActorHost` of its own (its queue, its `maxConcurrency`), so
 * actors on one thread run independently but for sharing its event loop.
 *
 * Messages for an actor this thread does not host (dropped, or never
 * created here) are ignored: the driver settles such calls itself.
 */
import type { ActorHost } from "./actor-host.js";
import type { ToWorker } from "../protocol/thread-messages.js";

export class HostedActors {
  private readonly hosts = new Map<string, ActorHost>();

  /** `newHost` makes an empty `ActorHost` wired to this thread (codec, context, result reporting). */
  constructor(private readonly newHost: () => ActorHost) {}

  create(m: Extract<ToWorker, { t: "createActor" }>): void {
    // A restart on the same thread comes after the drop of the previous instance.
    this.hosts.get(m.actorId)?.drop();
    const host = this.newHost();
    this.hosts.set(m.actorId, host);
    host.create(m);
  }

  call(m: Extract<ToWorker, { t: "callActor" }>): void {
    this.hosts.get(m.actorId)?.call(m);
  }

  /** `ray.cancel` of an actor call sent here: false if no actor of this thread has it. */
  cancel(taskId: string, name: string): boolean {
    for (const host of this.hosts.values()) if (host.cancel(taskId, name)) return true;
    return false;
  }

  /** `ray.exitActor()` in one of its calls: it starts no further call (the driver ends it). */
  exitAfterCurrent(actorId: string): void {
    this.hosts.get(actorId)?.exitAfterCurrent();
  }

  drop(actorId: string): void {
    this.hosts.get(actorId)?.drop();
    this.hosts.delete(actorId);
  }
}
