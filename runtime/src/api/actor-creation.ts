/**
 * The one place an actor-creation record is built from the API's inputs.
 * Both `Core` backends use it — the driver (`driver/driver-runtime.ts`, handing it to the
 * actor manager) and a thread (`thread/thread-core.ts`, posting it to the
 * driver) — so the two cannot drift apart on which options reach the actor.
 */
import type { ActorCreation, ActorDescriptor, ActorSpecOptions, EncodedArgs, RemoteClassInfo } from "../common/task-spec.js";

export function actorCreation(
  actorId: string,
  cls: RemoteClassInfo,
  args: EncodedArgs,
  o: ActorSpecOptions,
  defaultNamespace: string,
): ActorCreation {
  const actor: ActorDescriptor = {
    actorId,
    className: cls.className,
    methods: cls.methods,
    ...(cls.methodReturns !== undefined ? { methodReturns: cls.methodReturns } : {}),
    ...(cls.generators !== undefined ? { generators: cls.generators } : {}),
  };
  return {
    actor,
    cls: { id: cls.id, url: cls.url },
    args,
    demand: o.demand,
    maxRestarts: o.maxRestarts,
    maxTaskRetries: o.maxTaskRetries,
    maxConcurrency: o.maxConcurrency,
    name: o.name,
    namespace: o.namespace ?? defaultNamespace,
    getIfExists: o.getIfExists,
    hosting: o.hosting,
    ...(o.concurrencyGroups !== undefined ? { concurrencyGroups: o.concurrencyGroups } : {}),
  };
}
