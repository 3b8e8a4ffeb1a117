/**
 * The user's `schedulingStrategy` option, validated and turned into one
 * internal shape the placement functions switch on.
 *
 * User form (common/options.ts)                          → internal `Placement`
 *   undefined | "DEFAULT"                         → { kind: "default" }   (hybrid, local first)
 *   "SPREAD"                                      → { kind: "spread" }
 *   { nodeId, soft }                              → { kind: "node-affinity", nodeId, soft }
 *   { placementGroup, bundleIndex?, captureChildTasks? }
 *                                                 → { kind: "placement-group", placementGroupId, bundleIndex }
 * `bundleIndex` absent or -1 means "any bundle of the group", as in Ray.
 */
import { InvalidArgumentError } from "../common/errors.js";
import type { SchedulingStrategy } from "../common/options.js";

export type Placement =
  | { readonly kind: "default" }
  | { readonly kind: "spread" }
  | { readonly kind: "node-affinity"; readonly nodeId: string; readonly soft: boolean }
  | {
      readonly kind: "placement-group";
      readonly placementGroupId: string;
      /** -1: any bundle. */
      readonly bundleIndex: number;
    };

export const DEFAULT_PLACEMENT: Placement = { kind: "default" };

/** Throws `InvalidArgumentError` unless `value` is a valid `SchedulingStrategy` (or undefined). */
export function validateSchedulingStrategy(value: unknown, where: string): void {
  const what = `schedulingStrategy of ${where}`;
  if (value === undefined || value === "DEFAULT" || value === "SPREAD") return;
  if (typeof value === "string") {
    throw new InvalidArgumentError(
      `${what} is "${value}"; use "DEFAULT", "SPREAD", { nodeId, soft } or { placementGroup, bundleIndex }.`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `${what} must be "DEFAULT", "SPREAD", { nodeId, soft } or { placementGroup, bundleIndex }.`,
    );
  }
  const record = value as Record<string, unknown>;
  if ("nodeId" in record) {
    checkKeys(record, ["nodeId", "soft"], what);
    if (typeof record["nodeId"] !== "string" || record["nodeId"] === "") {
      throw new InvalidArgumentError(`${what}: nodeId must be a non-empty string.`);
    }
    if (typeof record["soft"] !== "boolean") {
      throw new InvalidArgumentError(
        `${what}: soft must be true (fall back to other nodes) or false (only that node).`,
      );
    }
    return;
  }
  if ("placementGroup" in record) {
    checkKeys(record, ["placementGroup", "bundleIndex", "captureChildTasks"], what);
    const pg = record["placementGroup"] as { id?: unknown } | null | undefined;
    if (typeof pg !== "object" || pg === null || typeof pg.id !== "string" || pg.id === "") {
      throw new InvalidArgumentError(`${what}: placementGroup must be a group from ray.placementGroup(...).`);
    }
    const index = record["bundleIndex"];
    if (index !== undefined && (typeof index !== "number" || !Number.isInteger(index) || index < -1)) {
      throw new InvalidArgumentError(
        `${what}: bundleIndex must be an integer ≥ 0, or -1 (or absent) for any bundle; got ${String(index)}.`,
      );
    }
    const capture = record["captureChildTasks"];
    if (capture !== undefined && typeof capture !== "boolean") {
      throw new InvalidArgumentError(`${what}: captureChildTasks must be a boolean.`);
    }
    return;
  }
  throw new InvalidArgumentError(
    `${what} must be "DEFAULT", "SPREAD", { nodeId, soft } or { placementGroup, bundleIndex }.`,
  );
}

/** The internal form of an already validated strategy. */
export function toPlacement(strategy: SchedulingStrategy | undefined): Placement {
  if (strategy === undefined || strategy === "DEFAULT") return DEFAULT_PLACEMENT;
  if (strategy === "SPREAD") return { kind: "spread" };
  if ("nodeId" in strategy) return { kind: "node-affinity", nodeId: strategy.nodeId, soft: strategy.soft };
  return {
    kind: "placement-group",
    placementGroupId: strategy.placementGroup.id,
    bundleIndex: strategy.bundleIndex ?? -1,
  };
}

/** Canonical text of a placement, part of a scheduling class key. */
export function placementKey(placement: Placement): string {
  switch (placement.kind) {
    case "default":
    case "spread":
      return placement.kind;
    case "node-affinity":
      return `node:${placement.nodeId}:${placement.soft ? "soft" : "hard"}`;
    case "placement-group":
      return `pg:${placement.placementGroupId}:${placement.bundleIndex}`;
  }
}

function checkKeys(record: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(`${what}: unknown field "${key}"; expected ${allowed.join(", ")}.`);
    }
  }
}
