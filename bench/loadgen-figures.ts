/**
 * Measures the node (or the baseline hub) with the external C loadgen (../shared/bench/loadgen,
 * not part of this repository) the way docs/performance.md reports it: each mode against a
 * fresh hub child process, `--runs` times (default 3), medians printed as a markdown table.
 *
 * Run: `npm run build && node dist/bench/loadgen-figures.js --loadgen PATH [--hub node|baseline]
 *   [--runs 3] [--modes ingest,relay,latency,latency-cold,all-to-all,idle,burst,garbage] [--json]`
 *
 * Every loadgen run is bounded by its own duration/frame count flags and by a timeout here.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { HubKind, startHub } from './socket/hub-process';

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
  },
  'latency-cold': {
    name: 'latency at 10k f/s -> 9, first run of a fresh node (us)',
    args: ['relay', '-P', '10', '--rate', '10000', '-F', '50000'],
    fields: ['lat_p50_us', 'lat_p99_us', 'lat_p999_us', 'loss_pct', 'hub_cpu_pct'],
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
  hub: HubKind;
  runs: number;
  modes: string[];
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
  const hub = (value('--hub') ?? 'node') as HubKind;
  const modes = (value('--modes') ?? Object.keys(MODES).join(',')).split(',');
  for (const m of modes) {
    if (!MODES[m]) {
      console.error(`loadgen-figures: unknown mode ${m} (${Object.keys(MODES).join(', ')})`);
      process.exit(2);
    }
  }
  return { loadgen, hub, runs: Number(value('--runs') ?? 3), modes, json: argv.includes('--json') };
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

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const report: Array<{
    mode: string;
    runs: Array<Record<string, unknown>>;
    medians: Record<string, number>;
  }> = [];
  for (const key of options.modes) {
    const mode = MODES[key];
    const runs = key === 'garbage' ? 1 : options.runs;
    const results: Array<Record<string, unknown>> = [];
    for (let i = 0; i < runs; i++) {
      // A fresh hub per run: memory figures and connection counts start from a clean process.
      const hub = await startHub(options.hub);
      try {
        process.stderr.write(`${key} run ${i + 1}/${runs} against ${options.hub} pid ${hub.pid} ...\n`);
        const target = ['--port', String(hub.port), '--hub-pid', String(hub.pid)];
        if (mode.warmup) await runLoadgen(options.loadgen, [...mode.warmup, ...target], 180_000);
        const args = [...mode.args, ...target];
        results.push(await runLoadgen(options.loadgen, args, 180_000));
      } finally {
        await hub.stop();
      }
    }
    const medians: Record<string, number> = {};
    for (const f of mode.fields) medians[f] = median(results.map((r) => Number(r[f])));
    report.push({ mode: key, runs: results, medians });
    if (!options.json) {
      const cells = mode.fields.map((f) => `${f} ${fmt(medians[f])}`);
      const perRun = results.map((r) => fmt(Number(r[mode.fields[0]]))).join(' / ');
      console.log(
        `| ${mode.name} | ${fmt(medians[mode.fields[0]])} | ${perRun} | ${cells.slice(1).join(', ')} |`,
      );
    }
  }
  if (options.json) console.log(JSON.stringify({ hub: options.hub, node: process.version, report }));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
