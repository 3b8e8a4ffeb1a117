/**
 * The header every report starts with: figures mean nothing without the
 * machine, the Node version, the date and how busy the machine was (the load
 * average, since other work on a 2-core machine moves every figure).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem, availableParallelism, platform, release } from "node:os";
import { dirname } from "node:path";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly date: string;
  readonly loadAverage: readonly [number, number, number];
  /** Which tsray was measured: the git commit of the runtime's folder, "+ local changes" if any. */
  readonly tsrayBuild: string;
}

/** The commit the runtime was built from, so a figure can be traced to the code it measured. */
function tsrayBuild(): string {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve("tsray/package.json"));
    const commit = execFileSync("git", ["-C", dir, "log", "-1", "--format=%h %cI", "--", "."], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["-C", dir, "status", "--porcelain", "--", "."], { encoding: "utf8" }).trim() !== "";
    return `${commit === "" ? "unknown commit" : `runtime last changed in ${commit}`}${dirty ? " + local changes" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const [l1, l5, l15] = loadavg();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadAverage: [l1 ?? NaN, l5 ?? NaN, l15 ?? NaN],
    tsrayBuild: tsrayBuild(),
  };
}

export function formatLoad(l: readonly number[]): string {
  return l.map((x) => x.toFixed(2)).join(" / ");
}

export function formatMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB memory, ${m.os}`,
    `node:    ${m.node}`,
    `tsray:   ${m.tsrayBuild}`,
    `date:    ${m.date}`,
    `load:    ${formatLoad(m.loadAverage)} (1 / 5 / 15 min) at start`,
  ].join("\n");
}
