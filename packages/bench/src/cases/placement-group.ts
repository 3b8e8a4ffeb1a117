/**
 * `placement_group_create_removal` (ray_perf.py: `ray.init(resources={"custom": 100})`, then
 * 100 placement groups of one `{custom: 0.001}` bundle created, waited for and removed). It
 * runs only if the runtime exports `placementGroup` and `removePlacementGroup` (detected at run
 * time, so the harness builds against a runtime without them); otherwise the report says
 * "n/a: not implemented" instead of timing something else under this name. No baseline:
 * piscina has no resource reservations.
 */
import * as ray from "tsray";
import type { CaseDefinition } from "../case.js";
import { nowMs, perSecond } from "../timing.js";

interface PlacementGroupApi {
  placementGroup(bundles: Record<string, number>[]): { ready(): Promise<unknown> };
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
  initResources: { custom: 100 },
  metrics: [{ key: "value", unit: "ops/s" }],
  async setup() {
    const api = placementGroupApi();
    if (api === undefined) return { unavailable: "not implemented (tsray exports no placementGroup API)" };
    const groups = 100;
    return {
      notes: [`${groups} groups of one { custom: 0.001 } bundle per run (init with { custom: 100 }), created, awaited, removed`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          const pgs = Array.from({ length: groups }, () => api.placementGroup([{ custom: 0.001 }]));
          await Promise.all(pgs.map((pg) => pg.ready()));
          for (const pg of pgs) await api.removePlacementGroup(pg);
          return { value: perSecond(groups, nowMs() - t0) };
        },
      },
      baselines: [],
      async teardown() {},
    };
  },
};
