/**
 * Validation at the boundary: a decoded frame becomes a `ToHead` (on the head) or a `FromHead` (on
 * a client) only after these checks, so the code behind them meets only well-typed messages. Each
 * returns why the value is not one (a short phrase for the log and the close reason), or undefined.
 *
 * The head checks every field of every call's arguments (its peers may be anything that got past
 * the token); a client checks the envelope of what the head sends and the records it keeps in its
 * cache (the head is the authenticated peer it chose to join).
 */
import type { ClusterMethod } from "./cluster-messages.js";

export type Check = (v: unknown) => string | undefined;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map);
export const str: Check = (v) => (typeof v === "string" ? undefined : "expected a string");
export const optStr: Check = (v) => (v === undefined || typeof v === "string" ? undefined : "expected a string or undefined");
const optCount: Check = (v) => (v === undefined || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) ? undefined : "expected a count or undefined");
export const bool: Check = (v) => (typeof v === "boolean" ? undefined : "expected a boolean");
export const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === "string" && values.includes(v) ? undefined : `expected one of ${values.join(", ")}`;
export const arrayOf =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return "expected an array";
    for (let i = 0; i < v.length; i++) {
      const why = item(v[i]);
      if (why !== undefined) return `[${i}]: ${why}`;
    }
    return undefined;
  };
export const resources: Check = (v) => {
  if (!isObject(v)) return "expected a resource map";
  for (const [k, n] of Object.entries(v)) if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return `resource ${k} is not a finite amount`;
  return undefined;
};
export const shape =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (!isObject(v)) return "expected an object";
    for (const [k, check] of Object.entries(fields)) {
      const why = check(v[k]);
      if (why !== undefined) return `.${k}: ${why}`;
    }
    return undefined;
  };

export const checkNodeRecord = shape({ nodeId: str, address: str, resources, alive: bool, jobId: optStr });
/** Per-method `numReturns` (`@ray.method`): counts ≥ 1 by method name. */
const methodReturns: Check = (v) => {
  if (v === undefined) return undefined;
  if (!isObject(v)) return "expected a map of return counts";
  for (const n of Object.values(v)) if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) return "expected return counts ≥ 1";
  return undefined;
};
const actorDescriptor = shape({
  actorId: str,
  className: str,
  methods: arrayOf(str),
  methodReturns,
  generators: (v) => (v === undefined ? undefined : arrayOf(str)(v)),
});
const actorLifecycle = oneOf("PENDING", "ALIVE", "RESTARTING", "DEAD");
export const checkActorRecord = shape({ actor: actorDescriptor, name: optStr, namespace: str, nodeId: optStr, state: actorLifecycle });
const strategy = oneOf("PACK", "SPREAD", "STRICT_PACK", "STRICT_SPREAD");
export const checkGroupRecord = shape({
  placementGroupId: str,
  name: optStr,
  strategy,
  bundles: arrayOf(resources),
  state: oneOf("PENDING", "CREATED", "REMOVED"),
  bundleNodes: arrayOf(str),
});
const nodeLoad = shape({ nodeId: str, available: resources, pending: optCount, infeasible: optCount, objects: optCount, objectBytes: optCount });

/** The argument tuple of each call. */
const callArgs: { readonly [M in ClusterMethod]: readonly Check[] } = {
  registerNode: [checkNodeRecord],
  unregisterNode: [str],
  getAllNodeInfo: [],
  registerActor: [shape({ actor: actorDescriptor, name: optStr, namespace: str, getIfExists: bool })],
  updateActorState: [str, shape({ state: actorLifecycle, nodeId: optStr })],
  getActorInfo: [str],
  getNamedActorInfo: [str, str],
  listNamedActors: [optStr],
  createPlacementGroup: [shape({ placementGroupId: str, name: optStr, strategy, bundles: arrayOf(resources) })],
  reportPlacementGroupCreated: [str, arrayOf(str)],
  removePlacementGroup: [str],
  getPlacementGroup: [str],
  getAllPlacementGroup: [],
  waitPlacementGroupUntilReady: [str],
  getClusterStatus: [],
};

/** Why `m` is not a `ToHead`. */
export function checkToHead(m: unknown): string | undefined {
  if (!isObject(m)) return "not an object";
  switch (m["t"]) {
    case "heartbeat":
      return arrayOf(nodeLoad)(m["load"]) === undefined ? undefined : "a heartbeat with a malformed load";
    case "call": {
      if (typeof m["id"] !== "number" || !Number.isSafeInteger(m["id"])) return "a call without an integer id";
      const method = m["method"];
      if (typeof method !== "string" || !Object.hasOwn(callArgs, method)) return `an unknown call ${JSON.stringify(String(method)).slice(0, 40)}`;
      const checks = callArgs[method as ClusterMethod];
      const args = m["args"];
      if (!Array.isArray(args) || args.length !== checks.length) return `${method} with ${Array.isArray(args) ? args.length : "no"} arguments, expected ${checks.length}`;
      for (let i = 0; i < checks.length; i++) {
        const why = checks[i]!(args[i]);
        if (why !== undefined) return `${method} argument ${i}${why.startsWith(".") || why.startsWith("[") ? "" : ": "}${why}`;
      }
      return undefined;
    }
    default:
      return `an unknown message kind ${JSON.stringify(String(m["t"])).slice(0, 40)}`;
  }
}

const changeChecks: Record<string, [string, Check]> = {
  node: ["node", checkNodeRecord],
  actor: ["actor", checkActorRecord],
  "placement-group": ["group", checkGroupRecord],
};

/** Why `m` is not a `FromHead`. */
export function checkFromHead(m: unknown): string | undefined {
  if (!isObject(m)) return "not an object";
  switch (m["t"]) {
    case "reply":
      if (typeof m["id"] !== "number") return "a reply without an id";
      return m["ok"] === true || (m["ok"] === false && isObject(m["error"])) ? undefined : "a reply that is neither ok nor an error";
    case "snapshot":
      if (m["heartbeatMs"] !== undefined && (typeof m["heartbeatMs"] !== "number" || !Number.isSafeInteger(m["heartbeatMs"]) || m["heartbeatMs"] < 1)) return "a snapshot with a malformed heartbeatMs";
      return shape({ nodes: arrayOf(checkNodeRecord), actors: arrayOf(checkActorRecord), groups: arrayOf(checkGroupRecord) })(m["snapshot"]);
    case "change": {
      const change = m["change"];
      if (!isObject(change) || typeof change["kind"] !== "string" || !Object.hasOwn(changeChecks, change["kind"])) return "an unknown change";
      const [field, check] = changeChecks[change["kind"]]!;
      return check(change[field]);
    }
    case "resource-view":
      return arrayOf(nodeLoad)(m["nodes"]);
    default:
      return `an unknown message kind ${JSON.stringify(String(m["t"])).slice(0, 40)}`;
  }
}
