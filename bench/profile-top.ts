/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`) by self time, as docs/performance.md
 * reports them.
 *
 * Run: `node dist/bench/profile-top.js FILE.cpuprofile [--top 20] [--json]`
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One function's self time. */
export interface ProfileFrame {
  /** `name (file:line)`. */
  frame: string;
  /** Self time, ms. */
  selfMs: number;
  /** Share of all sampled time, percent. */
  sharePct: number;
}

/** Self time per function (same name, file and line merged), largest first. */
export function topFrames(profile: CpuProfile): ProfileFrame[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node === undefined || dt <= 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` (${path.basename(url)}:${lineNumber + 1})`;
    const key = `${functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return [...self.entries()]
    .map(([frame, selfMs]) => ({ frame, selfMs, sharePct: total > 0 ? (100 * selfMs) / total : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

function main(argv: string[]): void {
  const file = argv.find((a) => !a.startsWith('--'));
  if (file === undefined) {
    console.error('usage: profile-top.js FILE.cpuprofile [--top 20] [--json]');
    process.exit(2);
  }
  const i = argv.indexOf('--top');
  const top = i === -1 ? 20 : Number(argv[i + 1]);
  const frames = topFrames(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile).slice(0, top);
  if (argv.includes('--json')) {
    console.log(JSON.stringify(frames));
    return;
  }
  for (const f of frames)
    console.log(`${f.sharePct.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
}

if (require.main === module) main(process.argv.slice(2));
