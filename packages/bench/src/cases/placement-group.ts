/**
 * `placement_group_create_removal` (ray_perf.py: 100 placement groups of one
 * `{custom: 0.001}` bundle created, waited for and removed). It runs only if
 * the runtime exports `placementGroup` and `removePlacementGroup`; today's
 * public barrel does not, and the report says so instead of timing something
 * else under this name.
 */
import * as ray from "tsray";
import type { CaseDefinition } from "../case.js";
import { nowMs, perSecond } from "../timing.js";

interface PlacementGroupApi {
  placementGroup(bundles: Record<string, number>[]): { ready?(): Promise<unknown>; wait?(timeoutS: number): Promise<unknown> };
  removePlacementGroup(pg: unknown): unknown;
}

function placementGroupApi(): PlacementGroupApi | undefined {
  const api = ray as unknown as Partial<PlacementGroupApi>;
  if (typeof api.placementGroup !== "function" || typeof api.removePlacementGroup !== "function") return undefined;
  return api as PlacementGroupApi;
}

export const placementGroupCreateRemoval: CaseDefinition = {
  name: "placement_group_create_removal",
  summary: "create 100 one-bundle placement groups, wait for them, remove them; groups per second",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "ops/s" }],
  async setup() {
    const api = placementGroupApi();
    if (api === undefined) return { unavailable: "not implemented (tsray exports no placementGroup API)" };
    const groups = 100;
    return {
      notes: [`${groups} groups per run`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          const pgs = Array.from({ length: groups }, () => api.placementGroup([{ CPU: 0.001 }]));
          await Promise.all(pgs.map((pg) => (pg.ready ? pg.ready() : pg.wait?.(30))));
          for (const pg of pgs) await api.removePlacementGroup(pg);
          return { value: perSecond(groups, nowMs() - t0) };
        },
      },
      baselines: [],
      async teardown() {},
    };
  },
};
