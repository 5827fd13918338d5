/**
 * Link-routed forwarding: N link pairs set up THROUGH the hub by a transport trace (trace.ts),
 * then every sender streams 500-byte link DATA packets that must reach its own receiver only.
 * A transport hub delivers each packet once; a flood relay delivers it to every peer (the copies
 * that reach a peer other than the link's far end are `misrouted`).
 *
 * Two instruments run the same trace:
 * - the external C loadgen (`loadgen relay --trace`, ../shared/bench/README.md), with the trace
 *   written by trace.ts or by the loadgen's own transport_trace.py;
 * - the project's Node load generator (bench/socket load workers, `route` receivers), so
 *   `npm run bench` measures it without anything outside the repository.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { frame } from '../../src/core/hdlc';
import { PythonRns } from '../../test/helpers/python-rns-locator';
import { runLoadgen } from '../loadgen-figures';
import { histogramCount, mergeHistogram, newHistogram, percentile } from '../socket/latency-histogram';
import { LoadWorker, warmUp } from '../socket/load-workers';
import { readCpuSeconds, readRssKb } from '../socket/proc-stats';
import { ConnectionSpec } from '../socket/worker-protocol';
import { learnTransportId } from './bench-peer';
import { TransportTrace, buildTransportTrace, formatTrace } from './trace';
import { TransportBenchHub } from './transport-hubs';

/** What a forwarding run measured. */
export interface ForwardingOutcome {
  /** Link packets sent by all senders. */
  sent: number;
  /** Packets that reached their link's far end. */
  delivered: number;
  /** Copies that reached another peer. */
  misrouted: number;
  /** Deliveries per second (first send to last delivery). */
  deliveriesPerSec: number;
  /** Percent of sent packets not delivered. */
  lossPct: number;
  /** Hub CPU over the run, percent of one core. */
  hubCpuPct: number;
  /** Hub RSS peak, kB. */
  hubRssPeakKb: number;
  /** Latency of delivered packets, us (saturating: mostly queueing). */
  latencyP50Us: number;
  latencyP99Us: number;
}

/**
 * The transport id to address link requests to: learnt from the hub's rebroadcast of a probe
 * announce; a flood relay has none (any id does, it floods regardless).
 */
export async function traceTransportId(hub: TransportBenchHub): Promise<Buffer> {
  if (hub.kind === 'flood') return randomBytes(16);
  const id = await learnTransportId(hub.port);
  if (id === null) throw new Error(`bench: the ${hub.kind} hub rebroadcast no probe announce as HEADER_2`);
  return id;
}

/** Options of {@link runNodeForwarding}. */
export interface NodeForwardingOptions {
  /** Link pairs (default 5: 10 peers, as the loadgen runs). */
  readonly pairs?: number;
  /** Sending time, ms. */
  readonly durationMs: number;
  /** Packets per sender at most. */
  readonly maxFramesPerSender?: number;
  /** Pause after the trace's announces (default 2500 ms). */
  readonly settleMs?: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const BATCH_FRAMES = 64;
const DRAIN_QUIET_MS = 1500;
const DRAIN_MAX_MS = 15_000;

/**
 * Runs a trace with the Node load generator: senders in one worker thread, `route` receivers in
 * another, the trace's setup written on the peers it names, then every sender saturating its
 * link for `durationMs`.
 */
export async function runNodeForwarding(
  hub: TransportBenchHub,
  options: NodeForwardingOptions,
): Promise<ForwardingOutcome> {
  const pairs = options.pairs ?? 5;
  const trace = buildTransportTrace({
    transportId: await traceTransportId(hub),
    pairs,
    escapeFreeLinkIds: true,
    settleMs: options.settleMs,
  });
  const senders: ConnectionSpec[] = trace.linkHeaders.map((header, i) => ({
    senderId: i,
    receive: 'discard',
    linkHeader: header,
  }));
  const receivers: ConnectionSpec[] = trace.linkHeaders.map((_, i) => ({
    senderId: null,
    receive: 'route',
    expectSender: i,
  }));
  const epochNs = process.hrtime.bigint();
  const workers = [senders, receivers].map(
    (connections) => new LoadWorker({ port: hub.port, epochNs, connections, batchFrames: BATCH_FRAMES }),
  );
  try {
    for (const w of workers) {
      const c = await w.next('connected', 15_000);
      if (c.failed > 0) throw new Error(`${c.failed} connections to the hub failed`);
    }
    await runSetup(trace, workers);
    await warmUp(workers, pairs);
    const rssBefore = readRssKb(hub.pid);
    let rssPeak = rssBefore;
    const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, readRssKb(hub.pid))), 200);
    const cpu0 = readCpuSeconds(hub.pid);
    try {
      workers[0].send({
        cmd: 'send',
        durationMs: options.durationMs,
        maxFramesPerSender: options.maxFramesPerSender ?? 5_000_000,
        ratePerSender: 0,
      });
      const s = await workers[0].next('sent', options.durationMs + 15_000);
      const drainEnd = Date.now() + DRAIN_MAX_MS;
      let lastProgress = Date.now();
      let delivered = -1;
      let report = await workers[1].report();
      for (;;) {
        report = await workers[1].report();
        if (report.rxFrames !== delivered) {
          delivered = report.rxFrames;
          lastProgress = Date.now();
        }
        if (delivered >= s.frames || Date.now() - lastProgress > DRAIN_QUIET_MS || Date.now() > drainEnd)
          break;
        await delay(100);
      }
      const cpu1 = readCpuSeconds(hub.pid);
      const windowSecs = (Math.max(s.endUs, report.lastRxUs) - s.startUs) / 1e6;
      const rxSecs = (report.lastRxUs - s.startUs) / 1e6;
      const histogram = newHistogram();
      if (report.histogram !== null) mergeHistogram(histogram, report.histogram);
      return {
        sent: s.frames,
        delivered: report.rxFrames,
        misrouted: report.misrouted,
        deliveriesPerSec: report.rxFrames / rxSecs,
        lossPct: s.frames > 0 ? (100 * Math.max(0, s.frames - report.rxFrames)) / s.frames : 0,
        hubCpuPct: (100 * (cpu1 - cpu0)) / windowSecs,
        hubRssPeakKb: Math.max(rssPeak, readRssKb(hub.pid)),
        latencyP50Us: histogramCount(histogram) > 0 ? percentile(histogram, 50) : NaN,
        latencyP99Us: histogramCount(histogram) > 0 ? percentile(histogram, 99) : NaN,
      };
    } finally {
      clearInterval(rssTimer);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** Writes the trace's setup packets on their peers, pausing as it says. */
async function runSetup(trace: TransportTrace, workers: LoadWorker[]): Promise<void> {
  for (const step of trace.steps) {
    if (step.kind === 'setup') {
      // Peers 0..N-1 are the senders (worker 0), N..2N-1 the receivers (worker 1).
      const sender = step.peer < trace.pairs;
      workers[sender ? 0 : 1].send({
        cmd: 'write',
        connection: sender ? step.peer : step.peer - trace.pairs,
        bytes: frame(step.packet),
      });
    }
    await delay(step.delayMs);
  }
}

/** Which program writes the loadgen's trace. */
export type TraceGenerator = 'ts' | 'python';

/** Options of {@link runLoadgenForwarding}. */
export interface LoadgenForwardingOptions {
  readonly loadgen: string;
  readonly pairs?: number;
  readonly durationS: number;
  readonly framesPerSender?: number;
  /** `ts` (trace.ts, default) or `python` (transport_trace.py next to the loadgen binary). */
  readonly traceGenerator?: TraceGenerator;
  /** Python RNS, for the `python` trace generator. */
  readonly python?: PythonRns;
}

/**
 * Runs `loadgen relay -P 2N --senders N --trace FILE` against the hub (a fresh trace: a hub
 * remembers packet hashes and link ids) and returns the loadgen's JSON.
 */
export async function runLoadgenForwarding(
  hub: TransportBenchHub,
  options: LoadgenForwardingOptions,
): Promise<Record<string, unknown>> {
  const pairs = options.pairs ?? 5;
  const transportId = await traceTransportId(hub);
  const dir = mkdtempSync(path.join(tmpdir(), 'rns-net-bench-trace-'));
  const file = path.join(dir, 'trace.txt');
  try {
    if (options.traceGenerator === 'python') {
      if (options.python === undefined) throw new Error('bench: the python trace generator needs Python RNS');
      await runPythonTrace(options.python, options.loadgen, transportId, pairs, file);
    } else {
      writeFileSync(file, formatTrace(buildTransportTrace({ transportId, pairs })));
    }
    const args = [
      'relay',
      '-P',
      String(2 * pairs),
      '--senders',
      String(pairs),
      '-F',
      String(options.framesPerSender ?? 400_000),
      '--duration',
      String(options.durationS),
      '--trace',
      file,
      '--port',
      String(hub.port),
      '--hub-pid',
      String(hub.pid),
    ];
    return await runLoadgen(options.loadgen, args, (options.durationS + 120) * 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `transport_trace.py` (beside the loadgen binary) to write a trace. */
function runPythonTrace(
  python: PythonRns,
  loadgen: string,
  transportId: Buffer,
  pairs: number,
  out: string,
): Promise<void> {
  const script = path.join(path.dirname(loadgen), 'transport_trace.py');
  const rnsPath = path.dirname(path.dirname(python.rnsModulePath));
  return new Promise((resolve, reject) => {
    const child = spawn(
      python.python,
      [
        script,
        '--transport-id',
        transportId.toString('hex'),
        '--pairs',
        String(pairs),
        '--out',
        out,
        '--rns-path',
        rnsPath,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: python.env },
    );
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`transport_trace.py exited ${code}:\n${err}`));
    });
  });
}

/** `loadgen ingest -P 4 -F 2000000 --duration 5` (docs/performance.md's ingest figure). */
export function runLoadgenIngest(
  hub: TransportBenchHub,
  loadgen: string,
  durationS = 5,
): Promise<Record<string, unknown>> {
  const args = ['ingest', '-P', '4', '-F', '2000000', '--duration', String(durationS)];
  return runLoadgen(loadgen, [...args, '--port', String(hub.port), '--hub-pid', String(hub.pid)], 180_000);
}
