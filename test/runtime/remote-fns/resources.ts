// Remote functions and actors for the resource and placement-group suites.
// Tasks report that they started by creating a file, and run until the driver
// creates their release file: the suites observe concurrency through these
// events, never through sleeps. No top-level side effects.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ray from "tsray";

export interface HoldReport {
  readonly id: string;
  readonly gpuIds: number[];
  readonly cudaVisibleDevices: string | undefined;
  readonly pid: number;
}

/** Writes `started-<id>`, waits for `release-<id>` (or `release-all`), writes `done-<id>`. */
export const hold = ray.remote(async function hold(dir: string, id: string): Promise<HoldReport> {
  const report: HoldReport = {
    id,
    gpuIds: ray.getGpuIds(),
    cudaVisibleDevices: process.env["CUDA_VISIBLE_DEVICES"],
    pid: process.pid,
  };
  writeFileSync(join(dir, `started-${id}`), JSON.stringify(report));
  while (!existsSync(join(dir, `release-${id}`)) && !existsSync(join(dir, "release-all"))) {
    await new Promise((r) => setTimeout(r, 2));
  }
  writeFileSync(join(dir, `done-${id}`), "");
  return report;
});

/** Like `hold`, then throws. */
export const holdThenThrow = ray.remote(async function holdThenThrow(dir: string, id: string): Promise<never> {
  writeFileSync(join(dir, `started-${id}`), "{}");
  while (!existsSync(join(dir, `release-${id}`))) await new Promise((r) => setTimeout(r, 2));
  throw new Error(`${id} failed on purpose`);
});

/** What a GPU task sees: its granted ids, CUDA_VISIBLE_DEVICES and process id. */
export const gpuView = ray.remote(function gpuView(): HoldReport {
  return { id: "gpuView", gpuIds: ray.getGpuIds(), cudaVisibleDevices: process.env["CUDA_VISIBLE_DEVICES"], pid: process.pid };
});

export const GpuActor = ray.remote(
  class GpuActor {
    readonly atStart: number[] = ray.getGpuIds();
    view(): HoldReport & { atStart: number[] } {
      return {
        id: "GpuActor",
        atStart: this.atStart,
        gpuIds: ray.getGpuIds(),
        cudaVisibleDevices: process.env["CUDA_VISIBLE_DEVICES"],
        pid: process.pid,
      };
    }
  },
);

/** Files named `started-*` in `dir`. */
export function started(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith("started-"))
    .map((f) => f.slice("started-".length))
    .sort();
}

/** Creates a placement group inside a task, runs a task in its bundle, removes it. */
export const placementGroupInside = ray.remote(async function placementGroupInside(): Promise<{ inBundle: HoldReport; wasReady: boolean }> {
  const pg = ray.placementGroup([{ CPU: 1 }], { strategy: "STRICT_PACK" });
  await pg.ready();
  const inBundle = await ray.get(gpuView.options({ schedulingStrategy: { placementGroup: pg, bundleIndex: 0 } }).remote());
  ray.removePlacementGroup(pg);
  return { inBundle, wasReady: await pg.wait(0).catch(() => false) };
});

/** The synchronous resource views, called inside a task. */
export const resourcesInside = ray.remote(function resourcesInside(): {
  total: Record<string, number>;
  available: Record<string, number>;
  groups: number;
} {
  return {
    total: ray.clusterResources(),
    available: ray.availableResources(),
    groups: Object.keys(ray.placementGroupTable()).length,
  };
});
