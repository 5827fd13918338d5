/**
 * The transport benchmarks, each run side by side against our transport node, our flood relay
 * and (when Python RNS is importable) a Python rnsd transport hub, a fresh hub process per
 * benchmark and hub:
 *
 * - `forwarding`: link-routed forwarding of 500-byte packets over 5 links through the hub
 *   (forwarding.ts), with the Node load generator, and with the external C loadgen
 *   (`loadgen relay --trace`) when its binary is given; plus the flood relay's ingest rate
 *   (`loadgen ingest -P 4`, or the Node generator's ingest) as the reference rate;
 * - `announces`: unique valid announces at 3,000/s from one peer, rebroadcast to 9
 *   (`ingress_control = no`), with the hub's event-loop delay;
 * - `flood`: an announce flood from 4 peers with a live link beside it;
 * - `paths`: 100,000 announces with 16-byte app data, RSS growth of the path table;
 * - `links`: 10,000 links established through the hub, RSS growth of the link table.
 *
 * Targets are reported, never asserted.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PythonRns, findPythonRns } from '../../test/helpers/python-rns-locator';
import type { BenchRow, Target } from '../run';
import { repoRoot } from '../socket/hub-process';
import { runSocketBench } from '../socket/socket-bench';
import {
  AnnounceCounts,
  LoopWindow,
  runAnnounceFlood,
  runAnnounceRate,
  runPathTable,
} from './announce-bench';
import { announceSet } from './announce-set';
import { TraceGenerator, runLoadgenForwarding, runLoadgenIngest, runNodeForwarding } from './forwarding';
import { runLinkTable } from './link-table-bench';
import {
  HubMemory,
  TRANSPORT_HUB_KINDS,
  TransportBenchHub,
  TransportHubKind,
  TransportHubOptions,
  pythonBackend,
  startTransportHub,
} from './transport-hubs';

/** The benchmarks, in the order they run. */
export const TRANSPORT_BENCHES = ['forwarding', 'announces', 'flood', 'paths', 'links'] as const;

/** One of {@link TRANSPORT_BENCHES}. */
export type TransportBenchName = (typeof TRANSPORT_BENCHES)[number];

/** Options of {@link runTransportBench}. */
export interface TransportBenchOptions {
  /** Benchmarks to run (default all). */
  readonly benches?: readonly TransportBenchName[];
  /** Hubs to compare (default all; rnsd only when Python RNS is importable). */
  readonly hubs?: readonly TransportHubKind[];
  /** Shorter runs and smaller tables (the path table figure is then scaled to 100,000). */
  readonly quick?: boolean;
  /** The C loadgen binary; without it the loadgen parts are skipped. */
  readonly loadgen?: string | null;
  /** Who writes the loadgen's trace (default `ts`). */
  readonly traceGenerator?: TraceGenerator;
  /**
   * Profile our node: each of its hub processes writes a V8 CPU profile into
   * `<cpuProfDir>/<benchmark>-<hub>/` (summarise one with bench/profile-top.ts).
   */
  readonly cpuProfDir?: string;
  /** Extra node flags for our node's hub processes, e.g. `['--heap-growing-percent=10']`. */
  readonly hubNodeFlags?: readonly string[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/**
 * Links established before the link table's baseline. A process's first ~10,000 Ed25519
 * verifications raise its RSS by about 10 MB once (OpenSSL's and the allocator's working memory;
 * it stays there however many follow), which a smaller warm-up would count against the table.
 */
const LINK_WARMUP = 10_000;

/** The loadgen binary named by `RNS_LOADGEN`, or at `../shared/bench/loadgen` from the repository. */
export function findLoadgen(): string | null {
  const candidates = [process.env.RNS_LOADGEN, path.resolve(repoRoot(), '..', 'shared', 'bench', 'loadgen')];
  for (const c of candidates) if (c !== undefined && c !== '' && existsSync(c)) return c;
  return null;
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '-';
}

/**
 * A rate per second of the hub's CPU time: on a shared machine the hub gets what the others
 * leave, and this moves less with that than the rate itself.
 */
function perCpu(rate: number, cpuPct: number): string {
  return `${fmt(rate / (cpuPct / 100))} per CPU-second`;
}

function mb(kb: number): string {
  return fmt(kb / 1024, 1);
}

function memoryText(before: HubMemory, after: HubMemory, entries: number, unit: string): string {
  const perEntry = (kb: number): string => fmt((kb * 1024) / Math.max(1, entries));
  const rss = `rss ${mb(before.rssKb)} -> ${mb(after.rssKb)} MB, ${perEntry(after.rssKb - before.rssKb)} B/${unit}`;
  if (!Number.isFinite(after.heapUsedKb)) return rss;
  return (
    `${rss}; live heap ${mb(before.heapUsedKb)} -> ${mb(after.heapUsedKb)} MB, ` +
    `${perEntry(after.heapUsedKb - before.heapUsedKb)} B/${unit} (committed ${mb(before.heapTotalKb)} -> ` +
    `${mb(after.heapTotalKb)} MB); buffers ${mb(before.arrayBuffersKb)} -> ${mb(after.arrayBuffersKb)} MB, ` +
    `${perEntry(after.arrayBuffersKb - before.arrayBuffersKb)} B/${unit}`
  );
}

function loopText(loop: LoopWindow | null): string {
  return loop === null
    ? 'no loop probe'
    : `loop p99 ${fmt(loop.p99Ms, 1)} ms (median ${fmt(loop.medianP99Ms, 1)}), max ${fmt(loop.maxMs, 1)} ms` +
        (Number.isFinite(loop.maxCpuMs) ? `; longest stretch ${fmt(loop.maxCpuMs, 1)} ms of CPU` : '');
}

function countsText(c: AnnounceCounts | null): string {
  if (c === null) return '';
  return (
    `; verified ${fmt(c.verified)}, held ${fmt(c.held)}, hold-dropped ${fmt(c.holdDropped)}, ` +
    `verify-dropped ${fmt(c.verifyDropped)}, table-full ${fmt(c.announceTableFull)}, capped ${fmt(c.capped)}, ` +
    `cap-dropped ${fmt(c.capDropped)}, rate-blocked ${fmt(c.rateBlocked)}, rebroadcasts ${fmt(c.rebroadcasts)}`
  );
}

/** Runs `fn` against a fresh hub of `kind`, stopping it afterwards. */
async function withHub<T>(
  kind: TransportHubKind,
  options: TransportHubOptions,
  fn: (hub: TransportBenchHub) => Promise<T>,
): Promise<T> {
  const hub = await startTransportHub(kind, options);
  try {
    return await fn(hub);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- ${kind} hub output ---\n${hub.output()}`, { cause: error });
  } finally {
    await hub.stop();
  }
}

/** Runs the transport benchmarks; returns one table row per figure. */
export async function runTransportBench(options: TransportBenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? ((): void => undefined);
  const benches = new Set(options.benches ?? TRANSPORT_BENCHES);
  const quick = options.quick === true;
  const python = await findPythonRns();
  const wanted = options.hubs ?? TRANSPORT_HUB_KINDS;
  const hubs = wanted.filter((k) => k !== 'rnsd' || python !== undefined);
  const rows: BenchRow[] = [];
  const row = (
    name: string,
    value: number,
    unit: string,
    detail: string,
    target: Target | null = null,
  ): void => {
    rows.push({ name, value, unit, target, detail });
  };
  if (wanted.includes('rnsd')) {
    if (python === undefined) {
      log('transport: Python RNS not importable (set RNS_PYTHON_PATH): rnsd skipped');
      row('transport: Python rnsd', NaN, '', 'skipped: Python RNS not importable (set RNS_PYTHON_PATH)');
    } else {
      const backend = await pythonBackend(python);
      log(`transport: Python side: ${backend}`);
      row('transport: Python rnsd', NaN, '', `${backend} (RNS.Cryptography.Provider.backend())`);
    }
  }
  let bench = '';
  const hubOptions = (extra: TransportHubOptions = {}): TransportHubOptions => ({
    python,
    ...extra,
    profileDir: options.cpuProfDir === undefined ? undefined : path.join(options.cpuProfDir, bench),
    nodeFlags: options.hubNodeFlags,
  });

  if (benches.has('forwarding')) {
    bench = 'forwarding';
    await forwardingBench(hubs, python, options, quick, hubOptions(), row, log);
  }

  if (benches.has('announces')) {
    bench = 'announces';
    const rate = 3000;
    const durationMs = quick ? 4000 : 10_000;
    const set = announceSet({ count: (rate * durationMs) / 1000, log });
    for (const kind of hubs) {
      log(`transport announces at ${fmt(rate)}/s -> 9 [${kind}] ...`);
      const o = await withHub(kind, hubOptions({ ingressControl: false }), (hub) =>
        runAnnounceRate(hub, set, { rate, durationMs }),
      );
      row(
        `transport announces ${fmt(rate)}/s ->9 [${kind}]`,
        o.completePerSec,
        'announces/s',
        `${fmt(o.complete)}/${fmt(o.sent)} rebroadcast to all 9, send->all-9 p50 ${fmt(o.latencyP50Ms)} ms, ` +
          `p99 ${fmt(o.latencyP99Ms)} ms, hub cpu ${fmt(o.hubCpuPct)} % (${fmt(o.completePerCpuSecond)} per ` +
          `CPU-second)${countsText(o.counts)}`,
        kind === 'transport' ? { op: '>=', value: rate } : null,
      );
      if (o.loop !== null) {
        row(
          `transport announces ${fmt(rate)}/s: event-loop p99 [${kind}]`,
          o.loop.p99Ms,
          'ms',
          `worst of ${o.loop.intervals} 1 s intervals; ${loopText(o.loop)}`,
          kind === 'transport' ? { op: '<', value: 50 } : null,
        );
      }
    }
  }

  if (benches.has('flood')) {
    bench = 'flood';
    const count = quick ? 12_000 : 40_000;
    const set = announceSet({ count, log });
    for (const kind of hubs) {
      log(`transport announce flood, ${fmt(count)} from 4 peers [${kind}] ...`);
      const o = await withHub(kind, hubOptions({ ingressControl: false }), (hub) =>
        runAnnounceFlood(hub, set, { maxSendMs: quick ? 10_000 : 30_000 }),
      );
      row(
        `transport announce flood: passed on [${kind}]`,
        o.passedOnPerSec,
        'announces/s',
        `${fmt(o.passedOn)}/${fmt(o.sent)} sent in ${fmt(o.sendSecs, 1)} s` +
          (Number.isFinite(o.verifiedPerSec) ? `, ${fmt(o.verifiedPerSec)} verified/s` : '') +
          `, hub cpu ${fmt(o.hubCpuPct)} %` +
          (Number.isFinite(o.verifiedPerCpuSecond)
            ? ` (${fmt(o.verifiedPerCpuSecond)} verified per CPU-second)`
            : '') +
          countsText(o.counts),
      );
      row(
        `transport announce flood: link latency p99 [${kind}]`,
        o.linkP99Ms,
        'ms',
        `${fmt(o.linkDelivered)}/${fmt(o.linkSent)} link packets at 200/s delivered, p50 ${fmt(o.linkP50Ms, 1)} ms, ` +
          `max ${fmt(o.linkMaxMs, 1)} ms`,
      );
      if (o.loop !== null) {
        row(
          `transport announce flood: event-loop max [${kind}]`,
          o.loop.maxMs,
          'ms',
          loopText(o.loop),
          kind === 'transport' ? { op: '<', value: 50 } : null,
        );
      }
    }
  }

  if (benches.has('paths')) {
    bench = 'paths';
    const count = quick ? 20_000 : 100_000;
    const warmup = quick ? 2000 : 10_000;
    const set = announceSet({ count: warmup + count, appDataBytes: 16, log });
    for (const kind of hubs) {
      log(`transport path table, ${fmt(count)} announces after ${fmt(warmup)} [${kind}] ...`);
      const o = await withHub(kind, hubOptions({ ingressControl: false, memoryProbe: true }), (hub) =>
        runPathTable(hub, set, { warmup, maxSendMs: quick ? 40_000 : 150_000, log }),
      );
      const growthKb = o.after.rssKb - o.before.rssKb;
      row(
        `transport path table: MB RSS per 100k entries [${kind}]`,
        o.entries > 0 ? (growthKb / 1024) * (100_000 / o.entries) : NaN,
        'MB',
        `${fmt(o.entries)} ${o.entriesFromStatus ? 'paths' : 'announces passed on'} of ${fmt(o.sent)} sent in ` +
          `${fmt(o.sendSecs, 1)} s${o.timedOut ? ' (time limit)' : ''}; ${memoryText(o.before, o.after, o.entries, 'entry')}, ` +
          `rss peak ${mb(o.rssPeakKb)} MB${countsText(o.counts)}`,
        kind === 'transport' ? { op: '<=', value: 100 } : null,
      );
    }
  }

  if (benches.has('links')) {
    bench = 'links';
    const links = 10_000;
    for (const kind of hubs) {
      if (kind === 'flood') {
        row('transport link table [flood]', NaN, '', 'n/a: the flood relay keeps no link table');
        continue;
      }
      log(`transport link table, ${fmt(links)} links after ${fmt(LINK_WARMUP)} [${kind}] ...`);
      // Without ingress control the destinations' announces are not held as a burst of new ones.
      const o = await withHub(kind, hubOptions({ ingressControl: false, memoryProbe: true }), (hub) =>
        runLinkTable(hub, { links, warmup: LINK_WARMUP, maxMs: quick ? 30_000 : 90_000 }),
      );
      const growthKb = o.after.rssKb - o.before.rssKb;
      row(
        `transport link table: MB RSS per 10k links [${kind}]`,
        o.established > 0 ? (growthKb / 1024) * (links / o.established) : NaN,
        'MB',
        `${fmt(o.established)} links established in ${fmt(o.setupSecs, 1)} s${o.timedOut ? ' (time limit)' : ''}` +
          (Number.isFinite(o.tableEntries) ? `, link table +${fmt(o.tableEntries)}` : '') +
          `; ${memoryText(o.before, o.after, o.established, 'link')}`,
        kind === 'transport' ? { op: '<=', value: 10 } : null,
      );
    }
  }
  return rows;
}

type RowFn = (name: string, value: number, unit: string, detail: string, target?: Target | null) => void;

async function forwardingBench(
  hubs: readonly TransportHubKind[],
  python: PythonRns | undefined,
  options: TransportBenchOptions,
  quick: boolean,
  hubOptions: TransportHubOptions,
  row: RowFn,
  log: (line: string) => void,
): Promise<void> {
  const durationMs = quick ? 2000 : 5000;
  const node = new Map<TransportHubKind, number>();
  for (const kind of hubs) {
    log(`transport forwarding, Node generator, 5 links [${kind}] ...`);
    const o = await withHub(kind, hubOptions, (hub) => runNodeForwarding(hub, { durationMs }));
    node.set(kind, o.deliveriesPerSec);
    row(
      `transport forwarding 5 links (node gen) [${kind}]`,
      o.deliveriesPerSec,
      'deliveries/s',
      `${fmt(o.delivered)}/${fmt(o.sent)} delivered, misrouted ${fmt(o.misrouted)}, hub cpu ${fmt(o.hubCpuPct)} % ` +
        `(${perCpu(o.deliveriesPerSec, o.hubCpuPct)}), rss peak ${mb(o.hubRssPeakKb)} MB`,
    );
    row(
      `transport forwarding misrouted (node gen) [${kind}]`,
      o.misrouted,
      'copies',
      'link packets that reached a peer other than the far end',
      kind === 'transport' ? { op: '<=', value: 0 } : null,
    );
  }
  if (hubs.includes('flood')) {
    log('transport forwarding reference: flood relay ingest, Node generator ...');
    const ingest = await runSocketBench({ hub: 'node', modes: ['ingest'], durationMs });
    const rate = ingest[0]?.value ?? NaN;
    row(
      'transport reference: flood relay ingest 4 peers (node gen)',
      rate,
      'frames/s',
      ingest[0]?.detail ?? '',
    );
    ratioRows(node, rate, 'node gen', row);
  }
  const loadgen = options.loadgen;
  if (loadgen === undefined || loadgen === null) {
    log('transport forwarding: no loadgen binary (RNS_LOADGEN or --loadgen): loadgen runs skipped');
    return;
  }
  const generator = options.traceGenerator ?? 'ts';
  const viaLoadgen = new Map<TransportHubKind, number>();
  for (const kind of hubs) {
    log(`transport forwarding, loadgen --trace (${generator} trace), 5 links [${kind}] ...`);
    const r = await withHub(kind, hubOptions, (hub) =>
      runLoadgenForwarding(hub, {
        loadgen,
        durationS: quick ? 3 : 8,
        traceGenerator: generator,
        python,
      }),
    );
    const rate = Number(r.delivered_fps);
    viaLoadgen.set(kind, rate);
    row(
      `transport forwarding 5 links (loadgen) [${kind}]`,
      rate,
      'deliveries/s',
      `sent ${fmt(Number(r.sent_fps))} f/s, loss ${fmt(Number(r.loss_pct), 2)} %, misrouted ${fmt(Number(r.misrouted))}, ` +
        `hub cpu ${fmt(Number(r.hub_cpu_pct))} % (${perCpu(rate, Number(r.hub_cpu_pct))}), lg cpu ${fmt(Number(r.lg_cpu_pct))} %, ` +
        `rss peak ${mb(Number(r.hub_rss_kb_peak))} MB`,
    );
    row(
      `transport forwarding misrouted (loadgen) [${kind}]`,
      Number(r.misrouted),
      'copies',
      `${generator} trace`,
      kind === 'transport' ? { op: '<=', value: 0 } : null,
    );
  }
  if (hubs.includes('flood')) {
    log('transport forwarding reference: flood relay ingest, loadgen ingest -P 4 ...');
    const r = await withHub('flood', hubOptions, (hub) => runLoadgenIngest(hub, loadgen, quick ? 3 : 5));
    const rate = Number(r.hub_idle_fps);
    row(
      'transport reference: flood relay ingest 4 peers (loadgen)',
      rate,
      'frames/s',
      `sent ${fmt(Number(r.sent_fps))} f/s, hub cpu ${fmt(Number(r.hub_cpu_pct))} % (${perCpu(rate, Number(r.hub_cpu_pct))})`,
    );
    ratioRows(viaLoadgen, rate, 'loadgen', row);
  }
}

function ratioRows(
  rates: ReadonlyMap<TransportHubKind, number>,
  floodIngest: number,
  instrument: string,
  row: RowFn,
): void {
  const transport = rates.get('transport');
  if (transport === undefined) return;
  row(
    `transport forwarding / flood relay ingest (${instrument})`,
    transport / floodIngest,
    'x',
    `${fmt(transport)} deliveries/s vs ${fmt(floodIngest)} frames/s`,
    { op: '>=', value: 0.7 },
  );
  const rnsd = rates.get('rnsd');
  if (rnsd !== undefined) {
    row(
      `transport forwarding / Python rnsd (${instrument})`,
      transport / rnsd,
      'x',
      `${fmt(transport)} vs ${fmt(rnsd)} deliveries/s`,
      { op: '>=', value: 10 },
    );
  }
}
