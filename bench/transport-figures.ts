/**
 * The transport benchmarks at full scale (bench/transport/transport-bench.ts), side by side
 * against our transport node, our flood relay and Python rnsd, printed as one table with the
 * targets; docs/performance.md reports these figures.
 *
 * Run: `npm run build && RNS_PYTHON_PATH=/path/to/Reticulum node dist/bench/transport-figures.js
 *   [--loadgen PATH] [--trace-generator ts|python] [--benches forwarding,announces,flood,paths,links]
 *   [--hubs transport,flood,rnsd] [--runs 1] [--quick] [--cpu-prof DIR] [--hub-node-flags FLAGS] [--json]`
 *
 * Without `--loadgen` the binary is taken from `RNS_LOADGEN` or `../shared/bench/loadgen`; without
 * one the loadgen runs are skipped. Without Python RNS the rnsd hub is skipped (a row says so).
 * With `--runs N` each figure is the median of N runs (each run starts fresh hubs). With
 * `--cpu-prof DIR` our node's hub processes write V8 CPU profiles into DIR/<benchmark>-<hub>/;
 * `node dist/bench/profile-top.js FILE` lists their top frames. `--hub-node-flags` gives our node's
 * hub processes extra node flags, space-separated (V8 settings under test, e.g.
 * `--hub-node-flags=--heap-growing-percent=10`).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BenchRow, formatTable } from './run';
import { median } from './loadgen-figures';
import { TraceGenerator } from './transport/forwarding';
import { TRANSPORT_HUB_KINDS, TransportHubKind } from './transport/transport-hubs';
import {
  TRANSPORT_BENCHES,
  TransportBenchName,
  findLoadgen,
  runTransportBench,
} from './transport/transport-bench';

interface Options {
  loadgen: string | null;
  traceGenerator: TraceGenerator;
  benches: TransportBenchName[];
  hubs: TransportHubKind[];
  runs: number;
  quick: boolean;
  cpuProfDir: string | undefined;
  hubNodeFlags: string[];
  json: boolean;
}

function usage(message: string): never {
  console.error(`transport-figures: ${message}`);
  console.error(
    'usage: transport-figures.js [--loadgen PATH] [--trace-generator ts|python] ' +
      `[--benches ${TRANSPORT_BENCHES.join(',')}] [--hubs ${TRANSPORT_HUB_KINDS.join(',')}] [--runs N] [--quick] ` +
      '[--cpu-prof DIR] [--hub-node-flags=FLAGS] [--json]',
  );
  process.exit(2);
}

function parseArgs(args: string[]): Options {
  // `--hub-node-flags=...` carries flags of its own, so it only comes in the `=` form.
  const hubNodeFlags = args
    .filter((a) => a.startsWith('--hub-node-flags='))
    .flatMap((a) => a.slice('--hub-node-flags='.length).split(' '))
    .filter((a) => a !== '');
  const argv = args.filter((a) => !a.startsWith('--hub-node-flags='));
  const flags = new Set(['--quick', '--json']);
  const valued = new Set(['--loadgen', '--trace-generator', '--benches', '--hubs', '--runs', '--cpu-prof']);
  for (let i = 0; i < argv.length; i++) {
    if (flags.has(argv[i])) continue;
    if (!valued.has(argv[i])) usage(`unknown argument ${argv[i]}`);
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) usage(`${argv[i]} needs a value`);
    i++;
  }
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const loadgenArg = value('--loadgen');
  if (loadgenArg !== undefined && !existsSync(loadgenArg)) usage(`no loadgen binary at ${loadgenArg}`);
  const traceGenerator = (value('--trace-generator') ?? 'ts') as TraceGenerator;
  if (!['ts', 'python'].includes(traceGenerator)) usage('--trace-generator is ts or python');
  const benches = (value('--benches') ?? TRANSPORT_BENCHES.join(',')).split(',') as TransportBenchName[];
  for (const b of benches) if (!TRANSPORT_BENCHES.includes(b)) usage(`unknown benchmark ${b}`);
  const hubs = (value('--hubs') ?? TRANSPORT_HUB_KINDS.join(',')).split(',') as TransportHubKind[];
  for (const h of hubs) if (!TRANSPORT_HUB_KINDS.includes(h)) usage(`unknown hub ${h}`);
  const runs = Number(value('--runs') ?? 1);
  if (!Number.isInteger(runs) || runs < 1 || runs > 9) usage('--runs must be 1..9');
  return {
    loadgen: loadgenArg ?? findLoadgen(),
    traceGenerator,
    benches,
    hubs,
    runs,
    quick: argv.includes('--quick'),
    cpuProfDir: value('--cpu-prof') === undefined ? undefined : path.resolve(value('--cpu-prof') as string),
    hubNodeFlags,
    json: argv.includes('--json'),
  };
}

/** Rows of several runs as one: the median value per row name, every run's value in the detail. */
function mergeRuns(runs: BenchRow[][]): BenchRow[] {
  if (runs.length === 1) return runs[0];
  return runs[0].map((first) => {
    const same = runs.map((r) => r.find((x) => x.name === first.name)).filter((x) => x !== undefined);
    const values = same.map((x) => x.value);
    const mid = median(values);
    const closest = same.reduce((a, b) => (Math.abs(b.value - mid) < Math.abs(a.value - mid) ? b : a));
    const each = values.map((v) => (Number.isFinite(v) ? v.toPrecision(4) : '-')).join(' / ');
    return { ...closest, value: mid, detail: `median of ${values.length} (${each}); ${closest.detail}` };
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string): void => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  const started = Date.now();
  const runs: BenchRow[][] = [];
  for (let i = 0; i < options.runs; i++) {
    if (options.runs > 1) log(`run ${i + 1}/${options.runs}`);
    runs.push(
      await runTransportBench({
        benches: options.benches,
        hubs: options.hubs,
        quick: options.quick,
        loadgen: options.loadgen,
        traceGenerator: options.traceGenerator,
        cpuProfDir: options.cpuProfDir,
        hubNodeFlags: options.hubNodeFlags,
        log,
      }),
    );
  }
  const rows = mergeRuns(runs);
  if (options.json) {
    console.log(
      JSON.stringify({ rows, runs, seconds: (Date.now() - started) / 1000, node: process.version }),
    );
  } else {
    console.log(formatTable(rows));
    console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s, Node ${process.version}.`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
