/**
 * Measures the node (and reference hubs) with the external C loadgen (../shared/bench/loadgen,
 * not part of this repository) the way docs/performance.md reports it: each mode against a
 * fresh hub child process, `--runs` times (default 3), medians printed as a markdown table.
 *
 * Run: `npm run build && node dist/bench/loadgen-figures.js --loadgen PATH [--hub node,c,...]
 *   [--runs 3] [--modes ingest,relay,latency,latency-cold,all-to-all,idle,burst,garbage]
 *   [--node-flags "--v8-flag ..."] [--run-args "--no-warm-up ..."] [--json]`
 *
 * Hubs: `node`, `baseline` (the minimal Node relay) and `c` (the minimal C relay). A figure
 * taken on a shared machine means something only beside a reference measured in the same run,
 * so without `--hub` a mode that has a reference runs it too: `idle` beside the minimal Node
 * relay, `latency` and `latency-cold` beside the C relay. Runs alternate between the hubs (each
 * against a fresh process) and the output adds the node's ratio to the reference, and the load
 * average before and after.
 *
 * Every loadgen run is bounded by its own duration/frame count flags and by a timeout here.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { HUB_KINDS, HubKind, startHub } from './socket/hub-process';

/** A loadgen mode as docs/performance.md reports it. */
interface LoadgenMode {
  name: string;
  args: string[];
  /** JSON fields reported (medians); the first is the headline figure. */
  fields: string[];
  /**
   * A discarded run against the same fresh hub before the measured one, for figures that a cold
   * process distorts (JIT compilation and heap growth in its first seconds).
   */
  warmup?: string[];
  /** The hub this mode's figure is judged against, run beside the node unless `--hub` says. */
  reference?: { hub: HubKind; field: string; target: string };
}

const MODES: Record<string, LoadgenMode> = {
  ingest: {
    name: 'ingest P=4 (frames/s)',
    args: ['ingest', '-P', '4', '-F', '2000000', '--duration', '5'],
    fields: ['hub_idle_fps', 'sent_fps', 'hub_cpu_pct', 'hub_rss_kb_peak'],
  },
  relay: {
    name: 'relay 1->9 (deliveries/s)',
    args: ['relay', '-P', '10', '-F', '5000000', '--duration', '5'],
    fields: [
      'delivered_fps',
      'loss_pct',
      'hub_cpu_pct',
      'lg_cpu_pct',
      'hub_rss_kb_peak',
      'peers_closed_by_hub',
    ],
  },
  latency: {
    name: 'latency at 10k f/s -> 9 (us)',
    args: ['relay', '-P', '10', '--rate', '10000', '-F', '50000'],
    fields: ['lat_p50_us', 'lat_p99_us', 'lat_p999_us', 'loss_pct', 'hub_cpu_pct'],
    warmup: ['relay', '-P', '10', '--rate', '10000', '-F', '20000'],
    reference: { hub: 'c', field: 'lat_p99_us', target: 'p99 <= 1 ms or <= 2x the C relay' },
  },
  'latency-cold': {
    name: 'latency at 10k f/s -> 9, first run of a fresh node (us)',
    args: ['relay', '-P', '10', '--rate', '10000', '-F', '50000'],
    fields: ['lat_p50_us', 'lat_p99_us', 'lat_p999_us', 'loss_pct', 'hub_cpu_pct'],
    reference: { hub: 'c', field: 'lat_p99_us', target: 'median p99 <= 1 ms or <= 2x the C relay' },
  },
  'all-to-all': {
    name: 'all-to-all 10 senders (% lost)',
    args: ['relay', '-P', '10', '--senders', '10', '-F', '500000', '--duration', '5'],
    fields: [
      'loss_pct',
      'delivered_fps',
      'hub_rss_kb_before',
      'hub_rss_kb_peak',
      'hub_rss_kb_after',
      'peers_closed_by_hub',
    ],
  },
  idle: {
    name: '10,000 idle peers (kB RSS per 1k)',
    args: ['conns', '--conns', '10000', '--window', '64', '--connect-rate', '500', '--hold', '3'],
    fields: ['rss_kb_per_1k_conns', 'connected', 'hub_accepted_est', 'alive_after_hold', 'probe_delivered'],
    reference: { hub: 'baseline', field: 'rss_kb_per_1k_conns', target: '<= 1.2x the minimal Node relay' },
  },
  burst: {
    name: '2,000-connect burst (s)',
    args: ['conns', '--conns', '2000', '--window', '64', '--hold', '1'],
    fields: ['connect_secs', 'connected', 'hub_accepted_est', 'alive_after_hold'],
  },
  garbage: {
    name: 'hostile input (checks passed)',
    args: ['garbage', '--connect-rate', '500'],
    fields: ['all_ok', 'checks', 'pair_failures', 'hub_alive_end'],
  },
};

function parseArgs(argv: string[]): {
  loadgen: string;
  /** The hubs given with `--hub`, or null: the node and each mode's reference. */
  hubs: HubKind[] | null;
  runs: number;
  modes: string[];
  nodeFlags: string[];
  runArgs: string[];
  json: boolean;
} {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const loadgen = value('--loadgen') ?? process.env.RNS_LOADGEN;
  if (!loadgen || !existsSync(loadgen)) {
    console.error('loadgen-figures: give the loadgen binary with --loadgen PATH (or RNS_LOADGEN)');
    process.exit(2);
  }
  const hubArg = value('--hub');
  const hubs = hubArg === undefined ? null : (hubArg.split(',') as HubKind[]);
  for (const h of hubs ?? []) {
    if (!HUB_KINDS.includes(h)) {
      console.error(`loadgen-figures: unknown hub ${h} (${HUB_KINDS.join(', ')})`);
      process.exit(2);
    }
  }
  const modes = (value('--modes') ?? Object.keys(MODES).join(',')).split(',');
  for (const m of modes) {
    if (!MODES[m]) {
      console.error(`loadgen-figures: unknown mode ${m} (${Object.keys(MODES).join(', ')})`);
      process.exit(2);
    }
  }
  return {
    loadgen,
    hubs,
    runs: Number(value('--runs') ?? 3),
    modes,
    nodeFlags: (value('--node-flags') ?? '').split(' ').filter((f) => f !== ''),
    runArgs: (value('--run-args') ?? '').split(' ').filter((f) => f !== ''),
    json: argv.includes('--json'),
  };
}

/** Runs the loadgen once (file-descriptor limit raised as its README asks); resolves its JSON. */
export function runLoadgen(
  loadgen: string,
  args: string[],
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const quoted = [loadgen, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('bash', ['-c', `ulimit -n 20000 2>/dev/null; exec ${quoted}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`loadgen ${args[0]} exited ${code} without a result:\n${err}`));
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : 3 });
}

/** The load average as `uptime` prints it (1, 5 and 15 minutes). */
function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const report: Array<{
    mode: string;
    hub: HubKind;
    runs: Array<Record<string, unknown>>;
    medians: Record<string, number>;
  }> = [];
  const loadBefore = load();
  if (!options.json) console.log(`load average before: ${loadBefore}`);
  for (const key of options.modes) {
    const mode = MODES[key];
    const runs = key === 'garbage' ? 1 : options.runs;
    const hubs = options.hubs ?? (mode.reference ? ['node' as const, mode.reference.hub] : ['node' as const]);
    const results = new Map<HubKind, Array<Record<string, unknown>>>(hubs.map((h) => [h, []]));
    for (let i = 0; i < runs; i++) {
      // Hubs alternate run by run, so they meet the same machine; each run has a fresh hub:
      // memory figures and connection counts start from a clean process.
      for (const kind of hubs) {
        const hub = await startHub(
          kind,
          kind === 'node' ? { nodeFlags: options.nodeFlags, runArgs: options.runArgs } : {},
        );
        try {
          process.stderr.write(`${key} run ${i + 1}/${runs} against ${kind} pid ${hub.pid} ...\n`);
          const target = ['--port', String(hub.port), '--hub-pid', String(hub.pid)];
          if (mode.warmup) await runLoadgen(options.loadgen, [...mode.warmup, ...target], 180_000);
          const args = [...mode.args, ...target];
          results.get(kind)?.push(await runLoadgen(options.loadgen, args, 180_000));
        } finally {
          await hub.stop();
        }
      }
    }
    const medianOf = (kind: HubKind, field: string): number =>
      median((results.get(kind) ?? []).map((r) => Number(r[field])));
    for (const kind of hubs) {
      const hubRuns = results.get(kind) ?? [];
      const medians: Record<string, number> = {};
      for (const f of mode.fields) medians[f] = medianOf(kind, f);
      report.push({ mode: key, hub: kind, runs: hubRuns, medians });
      if (!options.json) {
        const cells = mode.fields.map((f) => `${f} ${fmt(medians[f])}`);
        const perRun = hubRuns.map((r) => fmt(Number(r[mode.fields[0]]))).join(' / ');
        console.log(
          `| ${mode.name} | ${kind} | ${fmt(medians[mode.fields[0]])} | ${perRun} | ${cells.slice(1).join(', ')} |`,
        );
      }
    }
    const ref = mode.reference;
    if (ref && hubs.includes('node') && hubs.includes(ref.hub) && !options.json) {
      const nodeRuns = (results.get('node') ?? []).map((r) => fmt(Number(r[ref.field]))).join(' / ');
      const refRuns = (results.get(ref.hub) ?? []).map((r) => fmt(Number(r[ref.field]))).join(' / ');
      const ratio = medianOf('node', ref.field) / medianOf(ref.hub, ref.field);
      console.log(
        `${key}: ${ref.field} median node ${fmt(medianOf('node', ref.field))} (${nodeRuns}), ` +
          `${ref.hub} ${fmt(medianOf(ref.hub, ref.field))} (${refRuns}): ratio ${ratio.toFixed(2)} ` +
          `(target ${ref.target})`,
      );
    }
  }
  if (options.json) {
    console.log(JSON.stringify({ node: process.version, loadBefore, loadAfter: load(), report }));
  } else {
    console.log(`load average after: ${load()}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
