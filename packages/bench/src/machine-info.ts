/**
 * The header every report starts with: figures mean nothing without the
 * machine, the Node version, the date and how busy the machine was (the load
 * average, since other work on a 2-core machine moves every figure).
 */
import { cpus, loadavg, totalmem, availableParallelism, platform, release } from "node:os";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly date: string;
  readonly loadAverage: readonly [number, number, number];
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
  };
}

export function formatLoad(l: readonly number[]): string {
  return l.map((x) => x.toFixed(2)).join(" / ");
}

export function formatMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB memory, ${m.os}`,
    `node:    ${m.node}`,
    `date:    ${m.date}`,
    `load:    ${formatLoad(m.loadAverage)} (1 / 5 / 15 min) at start`,
  ].join("\n");
}
