/**
 * Where this process's calls to an actor another process owns go (owner/foreign-actor-calls.ts,
 * issue 11): to the node process hosting it (its `RemoteNodeClient`'s actor part), or, when it is
 * hosted on this process's own node for another owner, straight to this node's actor service
 * (a generator method's values then go to this process's generator streams, its acks to the service).
 */
import type { NodeService } from "../node/node-service.js";
import type { GeneratorAcks, GeneratorItems } from "../node/generator-wire.js";
import { answerCall, type RemoteActorOwner } from "../node/remote-actor-client.js";
import { ForeignActorCalls, type ActorCallRoute, type ForeignActorDeps } from "../owner/foreign-actor-calls.js";
import type { RemoteNodes } from "./remote-nodes.js";

export function actorRoute(
  nodeId: string,
  ownNodeId: string,
  owner: RemoteActorOwner,
  remote: RemoteNodes | undefined,
  service: NodeService | undefined,
  items: GeneratorItems,
): ActorCallRoute | undefined {
  if (nodeId !== ownNodeId) return remote?.byId(nodeId)?.actors;
  const actors = service?.actors;
  if (actors === undefined) return undefined;
  const acks: GeneratorAcks = { post: (m) => (m.t === "genAck" ? actors.ack(caller, m.taskId, m.consumed) : undefined) };
  const caller = { send: (m: Parameters<typeof answerCall>[1]) => answerCall(owner, m, items, acks) };
  return {
    callActor: (call) => actors.call(caller, call),
    killActor: (id, noRestart) => actors.kill(id, noRestart),
    cancelCall: (actorId, taskId, name) => actors.cancelCall(caller, actorId, taskId, name),
  };
}

/** The calls this process makes to actors other processes own, routed by `route` (`actorRoute`). */
export function foreignActorCalls(store: ForeignActorDeps["store"], cluster: ForeignActorDeps["cluster"], rebuildError: ForeignActorDeps["rebuildError"], route: ForeignActorDeps["route"]): ForeignActorCalls {
  return new ForeignActorCalls({ store, cluster, route, rebuildError });
}
