/**
 * `npm run bench`: every benchmark, bounded in time, printed as one table with the issue 6
 * target where one applies. Needs nothing outside the repository.
 *
 * Usage: `node dist/bench/run.js [--quick] [--only hdlc,relay,wire,peers,socket,transport,websocket]
 *   [--hub node|baseline|both] [--modes relay,ingest,latency,all-to-all,conns] [--time MS]
 *   [--duration MS] [--peers N] [--json]`
 *
 * - in-process: HDLC codec (bench/hdlc-bench.ts), relay dispatch and dedup cache
 *   (bench/relay-bench.ts), the Backbone server's send path (bench/peer-send-bench.ts), the wire
 *   layer: header parse, packet hash, announce validation, IFAC (bench/wire-bench.ts), `--time` ms
 *   per case (default 1000, quick 300);
 * - peers: a Backbone server's peer tables with `--peers` IPs (default 100,000, quick 20,000),
 *   listed over a real control socket while the node measures its event-loop delay
 *   (bench/peers);
 * - socket: the node (`dist/src/cli/main.js run`) and the baseline relay as child processes,
 *   driven by a worker-thread load generator (bench/socket), `--duration` ms of sending per
 *   mode (default 3000, quick 1000);
 * - transport: the transport benchmarks at reduced scale (bench/transport: link-routed
 *   forwarding, announces to 9 peers, an announce flood, path and link table memory), the
 *   transport node beside the flood relay and, with `RNS_PYTHON_PATH`, Python rnsd; the C loadgen
 *   runs too when `RNS_LOADGEN` (or ../shared/bench/loadgen) names it. Full scale:
 *   `node dist/bench/transport-figures.js`;
 * - websocket: the node with a WebSocket server beside its Backbone server: packets/s from 100
 *   `ws` clients relayed to TCP peers, and from 100 TCP clients for comparison, `--duration` ms
 *   each; the node's RSS per idle WebSocket (and Backbone) connection, 1000 of each (quick 300)
 *   (bench/websocket).
 *
 * The socket figures come from a Node load generator sharing 2 cores with the hub, so they
 * understate the hub; the official figures are measured with the external C loadgen
 * (docs/performance.md).
 */
import { runHdlcBench } from './hdlc-bench';
import { runPeerSendBench } from './peer-send-bench';
import { runPeerListingBench } from './peers/peer-listing-bench';
import { runRelayBench } from './relay-bench';
import { runWireBench } from './wire-bench';
import { HubKind, nodeAvailable } from './socket/hub-process';
import { SOCKET_MODES, SocketMode, runSocketBench } from './socket/socket-bench';
import { runWebSocketBench } from './websocket/websocket-bench';
import { findLoadgen, runTransportBench } from './transport/transport-bench';

/** One row of the printed table. */
export interface BenchRow {
  /** What was measured. */
  name: string;
  /** The figure. */
  value: number;
  /** Its unit. */
  unit: string;
  /** The issue 6 target, when one applies. */
  target: Target | null;
  /** Context for the reader. */
  detail: string;
}

/** A target: the figure must be at least (`>=`) or at most (`<=`, `<`) `value`. */
export interface Target {
  /** Comparison. */
  op: '>=' | '<=' | '<';
  /** Threshold in the row's unit. */
  value: number;
}

/** Parsed command line. */
interface Options {
  only: Set<string>;
  hubs: HubKind[];
  modes: SocketMode[];
  timeMs: number;
  durationMs: number;
  peers: number;
  quick: boolean;
  json: boolean;
}

const GROUPS = ['hdlc', 'relay', 'wire', 'peers', 'socket', 'transport', 'websocket'];

function usage(message: string): never {
  console.error(`bench: ${message}`);
  console.error(
    'usage: run.js [--quick] [--only hdlc,relay,wire,peers,socket,transport,websocket] [--hub node|baseline|both] ' +
      '[--modes relay,ingest,latency,all-to-all,conns] [--time MS] [--duration MS] [--peers N] [--json]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i === -1) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) usage(`${flag} needs a value`);
    return v;
  };
  const known = new Set([
    '--quick',
    '--json',
    '--only',
    '--hub',
    '--modes',
    '--time',
    '--duration',
    '--peers',
  ]);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i])) usage(`unknown argument ${argv[i]}`);
    if (!['--quick', '--json'].includes(argv[i])) i++;
  }
  const only = new Set((value('--only') ?? GROUPS.join(',')).split(','));
  for (const g of only) if (!GROUPS.includes(g)) usage(`unknown benchmark group ${g}`);
  const hubArg = value('--hub') ?? (nodeAvailable() ? 'both' : 'baseline');
  if (!['node', 'baseline', 'both'].includes(hubArg)) usage(`unknown hub ${hubArg}`);
  const hubs: HubKind[] = hubArg === 'both' ? ['node', 'baseline'] : [hubArg as HubKind];
  const modes = (value('--modes') ?? SOCKET_MODES.join(',')).split(',') as SocketMode[];
  for (const m of modes) if (!SOCKET_MODES.includes(m)) usage(`unknown socket mode ${m}`);
  const timeMs = Number(value('--time') ?? (quick ? 300 : 1000));
  const durationMs = Number(value('--duration') ?? (quick ? 1000 : 3000));
  if (!(timeMs > 0 && timeMs <= 10_000)) usage('--time must be 1..10000 ms');
  if (!(durationMs > 0 && durationMs <= 30_000)) usage('--duration must be 1..30000 ms');
  const peers = Number(value('--peers') ?? (quick ? 20_000 : 100_000));
  if (!(Number.isInteger(peers) && peers >= 1000 && peers <= 1_000_000))
    usage('--peers must be 1000..1000000');
  return { only, hubs, modes, timeMs, durationMs, peers, quick, json: argv.includes('--json') };
}

/** The issue 6 target for a row name, if any. Socket targets apply to the node. */
export function targetFor(name: string): Target | null {
  if (name.startsWith('decode')) return { op: '>=', value: 2000 };
  if (name.startsWith('peer listing: loop delay p99')) return { op: '<', value: 10 };
  if (name.startsWith('encode')) return { op: '>=', value: 1500 };
  if (name.startsWith('wire header parse')) return { op: '>=', value: 2_000_000 };
  if (name.startsWith('wire parse+hash')) return { op: '>=', value: 0.8 };
  if (name.startsWith('wire announce validation')) return { op: '>=', value: 5000 };
  if (!name.includes('[node]')) return null;
  if (name.startsWith('socket relay 1->9')) return { op: '>=', value: 1_000_000 };
  if (name.startsWith('socket ingest')) return { op: '>=', value: 220_000 };
  if (name.startsWith('socket latency p99')) return { op: '<', value: 1000 };
  if (name.startsWith('socket all-to-all')) return { op: '<=', value: 0 };
  // No target for idle peers here: the figure is 10,000 peers held by a fresh node, which
  // needs more file descriptors than a default shell grants (the loadgen run raises the limit).
  // With 2,000 peers the RSS growth is dominated by V8's heap growing in steps, not by the peers.
  if (name.startsWith('socket connect burst')) return { op: '<', value: 3 };
  return null;
}

/** Whether `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  if (target.op === '>=') return value >= target.value;
  if (target.op === '<=') return value <= target.value;
  return value < target.value;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Renders rows as a plain-text table. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    formatValue(r.value),
    r.unit,
    r.target ? `${r.target.op} ${r.target.value.toLocaleString('en-US')}` : '',
    r.target ? (meets(r.value, r.target) ? 'met' : 'MISSED') : '',
    r.detail,
  ]);
  const header = ['benchmark', 'result', 'unit', 'target', '', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string =>
    c
      .map((v, i) => (i === 1 ? v.padStart(widths[i]) : i === c.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const rows: BenchRow[] = [];
  const log = (line: string): void => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  const started = Date.now();
  if (options.only.has('hdlc')) {
    log('hdlc ...');
    for (const r of await runHdlcBench({ timeMs: options.timeMs })) {
      rows.push({
        name: r.name,
        value: r.mbPerSec,
        unit: 'MB/s',
        target: targetFor(r.name),
        detail: `${formatValue(r.opsPerSec)} frames/s`,
      });
    }
  }
  if (options.only.has('relay')) {
    log('relay ...');
    for (const r of await runRelayBench({ timeMs: options.timeMs })) {
      rows.push({ name: r.name, value: r.opsPerSec, unit: 'ops/s', target: null, detail: 'in-process' });
    }
    const send = await runPeerSendBench({ timeMs: options.timeMs });
    rows.push({
      name: send.name,
      value: send.opsPerSec,
      unit: 'deliveries/s',
      target: null,
      detail: 'in-process',
    });
  }
  if (options.only.has('wire')) {
    log('wire ...');
    for (const r of runWireBench({ timeMs: options.timeMs })) rows.push({ ...r, target: targetFor(r.name) });
  }
  if (options.only.has('peers')) {
    log(`peers (${options.peers.toLocaleString('en-US')} IPs) ...`);
    const r = await runPeerListingBench({ peers: options.peers });
    const n = r.peers.toLocaleString('en-US');
    rows.push(
      {
        name: `peer listing: loop delay p99 (${n} IPs)`,
        value: r.loopDelayP99Ms,
        unit: 'ms',
        target: targetFor('peer listing: loop delay p99'),
        detail:
          `max ${formatValue(r.loopDelayMaxMs)} ms; ${r.listed.toLocaleString('en-US')} listed in ` +
          `${formatValue(r.listingMs)} ms over the control socket; a page takes the node ` +
          `${formatValue(r.pageP50Ms)} ms (median, max ${formatValue(r.pageMaxMs)})`,
      },
      {
        name: `peer listing in one turn (${n} IPs)`,
        value: r.oneTurnListMs,
        unit: 'ms',
        target: null,
        detail: 'the sorted in-process list the node served before paging, for comparison',
      },
      {
        name: `peer table insert at the cap (${n} IPs)`,
        value: r.insertUs,
        unit: 'us/IP',
        target: null,
        detail: 'a new IP in both tables, each evicting one',
      },
      {
        name: `peer table sweep step max (${n} IPs)`,
        value: r.sweepStepMaxMs,
        unit: 'ms',
        target: null,
        detail: 'longest step of a sliced sweep pass over both tables',
      },
    );
  }
  if (options.only.has('socket')) {
    for (const hub of options.hubs) {
      const results = await runSocketBench({
        hub,
        modes: options.modes,
        durationMs: options.durationMs,
        log,
      });
      for (const r of results) rows.push({ ...r, target: targetFor(r.name) });
    }
    if (!options.hubs.includes('node')) {
      log('(the node is not built: dist/src/cli/main.js is missing, so only the baseline hub ran)');
    }
  }
  if (options.only.has('transport')) {
    if (nodeAvailable()) {
      rows.push(...(await runTransportBench({ quick: true, loadgen: findLoadgen(), log })));
    } else {
      log(
        '(the node is not built: dist/src/cli/main.js is missing, so the transport benchmarks did not run)',
      );
    }
  }
  if (options.only.has('websocket')) {
    if (nodeAvailable()) {
      const results = await runWebSocketBench({
        durationMs: options.durationMs,
        idleConnections: options.quick ? 300 : 1000,
        log,
      });
      for (const r of results) rows.push({ ...r, target: targetFor(r.name) });
    } else {
      log('(the node is not built: dist/src/cli/main.js is missing, so the websocket bench did not run)');
    }
  }
  if (options.json) {
    console.log(JSON.stringify({ rows, seconds: (Date.now() - started) / 1000 }));
  } else {
    console.log(formatTable(rows));
    console.log(
      `\n${((Date.now() - started) / 1000).toFixed(1)} s, Node ${process.version}. Socket figures come from a Node ` +
        'load generator sharing the machine with the hub; the official figures (external C loadgen) ' +
        'are in docs/performance.md.',
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
