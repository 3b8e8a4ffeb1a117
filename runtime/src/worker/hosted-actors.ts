/**
 * The actors a worker thread hosts, by id: one on an actor's dedicated
 * thread, up to the driver's limit on a shared one (`hosting: "shared"`).
 * Each is an `ActorHost` of its own (its queue, its `maxConcurrency`), so
 * actors on one thread run independently but for sharing its event loop.
 *
 * Messages for an actor this thread does not host (dropped, or never
 * created here) are ignored: the driver settles such calls itself.
 */
import type { ValueCodec } from "../encoded-values.js";
import { ActorHost } from "./actor-host.js";
import type { FunctionRegistry } from "./function-registry.js";
import type { ToWorker } from "./protocol.js";
import type { TaskContextStorage } from "./task-context.js";
import type { Post, TaskExecutor } from "./task-executor.js";
import type { ErrorCodec } from "./thread-core.js";

export class HostedActors {
  private readonly hosts = new Map<string, ActorHost>();

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly codec: ValueCodec,
    private readonly errors: ErrorCodec,
    private readonly context: TaskContextStorage,
    private readonly post: Post,
    private readonly results: TaskExecutor,
  ) {}

  create(m: Extract<ToWorker, { t: "createActor" }>): void {
    // A restart on the same thread comes after the drop of the previous instance.
    this.hosts.get(m.actorId)?.drop();
    const host = new ActorHost(this.registry, this.codec, this.errors, this.context, this.post, this.results);
    this.hosts.set(m.actorId, host);
    host.create(m);
  }

  call(m: Extract<ToWorker, { t: "callActor" }>): void {
    this.hosts.get(m.actorId)?.call(m);
  }

  drop(actorId: string): void {
    this.hosts.get(actorId)?.drop();
    this.hosts.delete(actorId);
  }
}
