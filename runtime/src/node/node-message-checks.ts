/**
 * Validation at the node protocol's boundary (node-messages.ts), in the manner of
 * cluster/cluster-message-checks.ts: a decoded frame becomes a `ToNode` on the node, or a
 * `FromNode` on the owner, only after these checks, so the code behind them meets only well-typed
 * messages. Each returns why the value is not one (a short phrase for the log and the close
 * reason), or undefined. A node checks every field (its peers may be anything that got past the
 * token); an owner checks what it reads of the node it chose to dial.
 */
import { arrayOf, bool, isObject, oneOf, optStr, resources, shape, str, type Check } from "../cluster/cluster-message-checks.js";
import { transferMessageProblem } from "../protocol/object-transfer.js";
import { ownerMessageKinds, ownerMessageProblem } from "../protocol/owner-messages.js";

const count: Check = (v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? undefined : "expected a count");
const int: Check = (v) => (typeof v === "number" && Number.isSafeInteger(v) ? undefined : "expected an integer");
const bytes: Check = (v) => (v instanceof Uint8Array ? undefined : "expected bytes");
const location = shape({ objectId: str, heldOn: str, size: count });
const held: Check = (v) => (v instanceof Uint8Array ? undefined : location(v));
const deps: Check = (v) => (v === undefined ? undefined : shape({ idx: arrayOf(count), bytes: arrayOf(held) })(v));

const placement: Check = (v) => {
  if (!isObject(v)) return "expected a placement";
  switch (v["kind"]) {
    case "default":
    case "spread":
      return undefined;
    case "node-affinity":
      return shape({ nodeId: str, soft: bool })(v);
    case "placement-group":
      return shape({ placementGroupId: str, bundleIndex: int })(v);
    default:
      return "an unknown placement kind";
  }
};

const leaseSpec = shape({ id: str, name: str, demand: resources, placement, classKey: str, isolation: oneOf("thread", "process") });
/** A streaming generator's bound: an integer ≥ 1, or -1 for none (common/options.ts). */
const backpressure: Check = (v) => (v === -1 || (typeof v === "number" && Number.isSafeInteger(v) && v >= 1) ? undefined : "expected a bound (≥ 1, or -1)");
const streaming: Check = (v) => (v === undefined ? undefined : shape({ backpressure })(v));
const run = shape({ taskId: str, fnLocation: shape({ id: str, url: str }), name: str, args: bytes, deps, numReturns: count, streaming });

const opt =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v);
const wireError: Check = (v) => (isObject(v) ? undefined : "expected an error");
const resolvedDeps: Check = (v) => (v === undefined ? undefined : shape({ idx: arrayOf(count), bytes: arrayOf(bytes) })(v));
const actorDescriptor = shape({ actorId: str, className: str, methods: arrayOf(str) });
const limits: Check = (v) => {
  if (!isObject(v)) return "expected a map of limits";
  for (const n of Object.values(v)) if (count(n) !== undefined) return "expected counts";
  return undefined;
};
const createActor = shape({
  actorId: str,
  cls: shape({ id: str, url: str }),
  name: str,
  args: bytes,
  deps: resolvedDeps,
  maxConcurrency: count,
  gpuIds: opt(arrayOf(count)),
  actor: opt(actorDescriptor),
  resources: opt(resources),
  restarted: opt(bool),
  concurrencyGroups: opt(limits),
});
const actorPost: Check = (v) => {
  if (!isObject(v)) return "expected a message";
  switch (v["t"]) {
    case "createActor":
      return createActor(v);
    case "dropActor":
      return shape({ actorId: str })(v);
    case "cancel":
      return shape({ taskId: str, name: str })(v);
    default:
      return "not a message for an actor's worker";
  }
};
const actorCall = shape({
  t: oneOf("callActor"),
  actorId: str,
  taskId: str,
  method: str,
  name: str,
  args: bytes,
  deps: resolvedDeps,
  numReturns: count,
  streaming,
  group: optStr,
});
const actorLeaseSpec = shape({ id: str, name: str, demand: resources, placementDemand: resources, placement, detached: bool });

const toNode: Record<string, Check> = {
  prepareBundles: shape({ reqId: count, placementGroupId: str, bundleCount: count, bundles: arrayOf(shape({ bundleIndex: count, resources })) }),
  commitBundles: shape({ reqId: count, placementGroupId: str, bundleNodes: arrayOf(str), bundles: arrayOf(resources) }),
  cancelBundles: shape({ reqId: count, placementGroupId: str }),
  returnBundles: shape({ reqId: count, placementGroupId: str }),
  actorLease: shape({ spec: actorLeaseSpec }),
  cancelActorLease: shape({ actorId: str }),
  returnActorLease: shape({ actorId: str }),
  startActorWorker: shape({ key: str, actorId: optStr, gpuIds: arrayOf(count), isolation: oneOf("thread", "process") }),
  actorPost: shape({ key: str, message: actorPost }),
  stopActorWorker: shape({ key: str }),
  actorCall: shape({ call: actorCall }),
  killActor: shape({ actorId: str, noRestart: bool }),
  cancelActorCall: shape({ actorId: str, taskId: str, name: str }),
  actorGenAck: shape({ actorId: str, taskId: str, consumed: count }),
  open: shape({ channel: oneOf("leases", "objects", "owner"), from: str, job: optStr }),
  lease: shape({ spec: leaseSpec }),
  cancelLease: shape({ leaseId: str }),
  run: shape({ leaseId: str, run }),
  cancel: shape({ leaseId: str, taskId: str, name: str }),
  stop: shape({ leaseId: str }),
  return: shape({ leaseId: str }),
  genAck: shape({ leaseId: str, taskId: str, consumed: count }),
  actorsHeld: shape({ objectIds: arrayOf(str) }),
  freeObjects: shape({ objectIds: arrayOf(str) }),
};

/**
 * Why `m` is neither a `ToNode`, an owner-protocol nor an object-transfer message (a node's endpoint
 * takes all three: a connection says which it carries in its `open`; the object transfer checks its own again).
 */
export function checkToNodeEndpoint(m: unknown): string | undefined {
  if (!isObject(m)) return "not an object";
  const kind = m["t"];
  if (typeof kind === "string" && Object.hasOwn(toNode, kind)) return toNode[kind]!(m);
  if (typeof kind === "string" && ownerMessageKinds.has(kind)) return ownerMessageProblem(m);
  return transferMessageProblem(m) === undefined ? undefined : `an unknown message kind ${JSON.stringify(String(kind)).slice(0, 40)}`;
}

/** Whether a checked endpoint message is one of the node protocol's (else: the object transfer's). */
export function isToNode(m: unknown): boolean {
  return Object.hasOwn(toNode, (m as { t: string }).t);
}

const fromNode: Record<string, Check> = {
  bundlesDone: shape({ reqId: count, ok: bool }),
  actorGranted: shape({ actorId: str, resources, gpuIds: arrayOf(count) }),
  actorRefused: shape({ actorId: str, message: str }),
  actorFailed: shape({ actorId: str, error: wireError }),
  exitActor: shape({ actorId: str, taskId: str }),
  actorWorkerExited: shape({ key: str, exitCode: int, message: optStr }),
  killRequested: shape({ actorId: str, noRestart: bool }),
  actorCallDone: shape({ actorId: str, taskId: str, results: arrayOf(held), actors: opt(arrayOf(str)) }),
  actorCallFailed: shape({ actorId: str, taskId: str, error: wireError }),
  actorCallDied: shape({ actorId: str, taskId: str, message: str }),
  actorGenItem: shape({ actorId: str, taskId: str, index: count, value: held, actors: opt(arrayOf(str)) }),
  granted: shape({ leaseId: str, resources, gpuIds: arrayOf(count), workerId: str }),
  refused: shape({ leaseId: str, message: str }),
  done: shape({ leaseId: str, taskId: str, results: arrayOf(held), actors: opt(arrayOf(str)) }),
  failed: shape({ leaseId: str, taskId: str, errorName: str, error: (v) => (isObject(v) ? undefined : "expected an error") }),
  argsLost: shape({ leaseId: str, taskId: str, message: str }),
  lost: shape({ leaseId: str, exitCode: int, message: optStr }),
  genItem: shape({ leaseId: str, taskId: str, index: count, value: held, actors: opt(arrayOf(str)) }),
  log: shape({ stream: oneOf("out", "err"), label: str, text: str, pid: count, workerId: str }),
};

/** Why `m` is not a `FromNode`. */
export function checkFromNode(m: unknown): string | undefined {
  if (!isObject(m)) return "not an object";
  const kind = m["t"];
  if (typeof kind === "string" && Object.hasOwn(fromNode, kind)) return fromNode[kind]!(m);
  return `an unknown message kind ${JSON.stringify(String(kind)).slice(0, 40)}`;
}
