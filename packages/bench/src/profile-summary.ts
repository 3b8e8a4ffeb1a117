/**
 * Summarises V8 `.cpuprofile` files (from `npm run bench -- --cpu-prof DIR`,
 * one file per thread) as the functions with the most self time, so a
 * profile can be read in a terminal and quoted in docs/benchmarks.md.
 *
 * Usage: node dist/profile-summary.js [--top N] FILE.cpuprofile...
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** Self time per function (name + file:line), largest first; idle and GC kept as V8 names them. */
export function selfTimes(profile: CpuProfile): { total: number; rows: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node === undefined) continue;
    const f = node.callFrame;
    const where = f.url === "" ? "" : ` ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    const key = `${f.functionName === "" ? "(anonymous)" : f.functionName}${where}`;
    ms.set(key, (ms.get(key) ?? 0) + dt);
    total += dt;
  }
  const rows = [...ms].map(([name, t]) => ({ name, ms: t, share: t / total })).sort((a, b) => b.ms - a.ms);
  return { total, rows };
}

function shortUrl(url: string): string {
  const m = /(?:runtime|packages\/bench|node_modules\/[^/]+)\/.*$/.exec(url);
  return m?.[0] ?? url.replace(/^file:\/\//, "");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  let top = 25;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--top") top = Number(args[++i]);
    else files.push(args[i]!);
  }
  for (const file of files) {
    const { total, rows } = selfTimes(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
    console.log(`${basename(file)}: ${total.toFixed(0)} ms sampled`);
    for (const r of rows.slice(0, top)) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}`);
  }
}
