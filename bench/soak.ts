/**
 * Soak: a steady load against the node (a child process) for a long time, reporting its RSS,
 * CPU, event-loop delay, delivery and latency over time. Not part of `npm test`.
 *
 * Run: `npm run build && node dist/bench/soak.js [--duration 600] [--rate 5000] [--peers 10]
 *   [--senders 2] [--idle 20] [--interval 10] [--hub node|baseline] [--json]`
 *
 * Load: `--peers` connections of which `--senders` send at `--rate` frames/s in total (500-byte
 * unique packets), every peer receiving what the others send (so deliveries/s = rate x
 * (peers - 1)), plus `--idle` connections that never send (they receive every frame too, and
 * discard it). The node's event-loop delay comes
 * from a preloaded probe (bench/soak/event-loop-probe.ts, perf_hooks.monitorEventLoopDelay)
 * that needs no change to the node; RSS and CPU come from /proc. Each line covers one interval.
 * The summary gives RSS growth over the second half of the run (a leak shows as a steady slope),
 * the worst event-loop p99 and the frames lost. Exit code 1 if the node died or lost frames.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LoopProbeSample } from './soak/event-loop-probe';
import { HubKind, startHub } from './socket/hub-process';
import { mergeHistogram, newHistogram, percentile } from './socket/latency-histogram';
import { LoadWorker, warmUp } from './socket/load-workers';
import { isAlive, readCpuSeconds, readRssKb } from './socket/proc-stats';
import { ConnectionSpec } from './socket/worker-protocol';

/** Options of the soak. */
interface SoakOptions {
  durationS: number;
  rate: number;
  peers: number;
  senders: number;
  idle: number;
  intervalS: number;
  hub: HubKind;
  json: boolean;
}

/** One reporting interval. */
interface SoakInterval {
  t: number;
  rssMb: number;
  heapMb: number;
  cpuPct: number;
  loopP99Ms: number;
  loopMaxMs: number;
  sent: number;
  delivered: number;
  latencyP50Us: number;
  latencyP99Us: number;
}

function parseArgs(argv: string[]): SoakOptions {
  const value = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i === -1) return fallback;
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v < 0) {
      console.error(`soak: ${flag} needs a non-negative number`);
      process.exit(2);
    }
    return v;
  };
  const hubIndex = argv.indexOf('--hub');
  const hub = (hubIndex === -1 ? 'node' : argv[hubIndex + 1]) as HubKind;
  if (hub !== 'node' && hub !== 'baseline') {
    console.error('soak: --hub must be node or baseline');
    process.exit(2);
  }
  const options: SoakOptions = {
    durationS: value('--duration', 600),
    rate: value('--rate', 5000),
    peers: value('--peers', 10),
    senders: value('--senders', 2),
    idle: value('--idle', 20),
    intervalS: value('--interval', 10),
    hub,
    json: argv.includes('--json'),
  };
  if (options.senders < 1 || options.peers < 2 || options.senders > options.peers || options.durationS <= 0) {
    console.error('soak: need 1 <= senders <= peers, peers >= 2, duration > 0');
    process.exit(2);
  }
  return options;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Probe samples written since the last call. */
function readProbe(file: string, consumedLines: { n: number }): LoopProbeSample[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  const fresh = lines.slice(consumedLines.n).map((l) => JSON.parse(l) as LoopProbeSample);
  consumedLines.n = lines.length;
  return fresh;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

function openIdle(port: number, count: number): Promise<net.Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port });
          // They read and discard: a peer that never reads would overflow its 512 KiB budget at
          // the node and be disconnected, which is a different test.
          socket.resume();
          socket.once('connect', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
}

async function soak(options: SoakOptions): Promise<boolean> {
  const say = (line: string): void => {
    if (!options.json) console.log(line);
  };
  const probeDir = mkdtempSync(path.join(tmpdir(), 'rns-net-soak-'));
  const probeFile = path.join(probeDir, 'loop.jsonl');
  const probeModule = path.join(__dirname, 'soak', `event-loop-probe${path.extname(__filename)}`);
  const hub = await startHub(options.hub, {
    nodeFlags: ['-r', probeModule],
    env: { RNS_BENCH_LOOP_PROBE_FILE: probeFile, RNS_BENCH_LOOP_PROBE_INTERVAL_MS: '1000' },
  });
  const idle: net.Socket[] = [];
  const connections: ConnectionSpec[] = Array.from({ length: options.peers }, (_, i) => ({
    senderId: i < options.senders ? i : null,
    receive: 'latency',
  }));
  const epochNs = process.hrtime.bigint();
  const worker = new LoadWorker({ port: hub.port, epochNs, connections, batchFrames: 64 });
  const intervals: SoakInterval[] = [];
  let healthy = true;
  try {
    const connected = await worker.next('connected', 15_000);
    if (connected.failed > 0) throw new Error(`${connected.failed} connections failed`);
    idle.push(...(await openIdle(hub.port, options.idle)));
    await warmUp([worker], options.peers);
    say(
      `soak: ${options.hub} pid ${hub.pid} port ${hub.port}, ${options.durationS} s at ${options.rate} frames/s ` +
        `from ${options.senders} of ${options.peers} peers (+${options.idle} idle), a line every ${options.intervalS} s`,
    );
    const ratePerSender = options.rate / options.senders;
    worker.send({
      cmd: 'send',
      durationMs: options.durationS * 1000,
      maxFramesPerSender: Math.ceil(ratePerSender * options.durationS) + 1000,
      ratePerSender,
    });
    const start = performance.now();
    const consumed = { n: readProbe(probeFile, { n: 0 }).length };
    let lastCpu = readCpuSeconds(hub.pid);
    let lastT = start;
    let lastHistogram = newHistogram();
    const end = start + options.durationS * 1000;
    while (performance.now() < end) {
      await delay(Math.min(options.intervalS * 1000, Math.max(0, end - performance.now())));
      if (!isAlive(hub.pid)) {
        healthy = false;
        say(`soak: the hub died:\n${hub.output()}`);
        break;
      }
      const now = performance.now();
      const cpu = readCpuSeconds(hub.pid);
      const report = await worker.report();
      const probe = readProbe(probeFile, consumed);
      // Latency over this interval = cumulative histogram minus the previous one.
      const cumulative = report.histogram ?? newHistogram();
      const interval = cumulative.slice();
      for (let i = 0; i < interval.length; i++) interval[i] -= lastHistogram[i];
      lastHistogram = cumulative;
      const row: SoakInterval = {
        t: Math.round((now - start) / 1000),
        rssMb: readRssKb(hub.pid) / 1024,
        heapMb: probe.length ? probe[probe.length - 1].heapUsedKb / 1024 : NaN,
        cpuPct: (100 * (cpu - lastCpu)) / ((now - lastT) / 1000),
        loopP99Ms: probe.length ? Math.max(...probe.map((p) => p.p99Ms)) : NaN,
        loopMaxMs: probe.length ? Math.max(...probe.map((p) => p.maxMs)) : NaN,
        sent: report.txFrames,
        delivered: report.rxFrames,
        latencyP50Us: percentile(interval, 50),
        latencyP99Us: percentile(interval, 99),
      };
      lastCpu = cpu;
      lastT = now;
      intervals.push(row);
      say(
        `t=${String(row.t).padStart(5)} s  rss ${row.rssMb.toFixed(1).padStart(6)} MB  heap ${row.heapMb
          .toFixed(1)
          .padStart(5)} MB  cpu ${row.cpuPct.toFixed(0).padStart(3)} %  loop p99 ${row.loopP99Ms
          .toFixed(2)
          .padStart(
            6,
          )} ms (max ${row.loopMaxMs.toFixed(1)})  sent ${row.sent}  delivered ${row.delivered}  ` +
          `latency p50/p99 ${row.latencyP50Us}/${row.latencyP99Us} us`,
      );
    }
    const sent = await worker.next('sent', 30_000);
    // Drain: wait (bounded) until every delivery arrived or nothing more comes.
    const expected = sent.frames * (options.peers - 1);
    let delivered = 0;
    let last = -1;
    for (let i = 0; i < 50 && delivered < expected; i++) {
      delivered = (await worker.report()).rxFrames;
      if (delivered === last) break;
      last = delivered;
      await delay(200);
    }
    const total = newHistogram();
    mergeHistogram(total, lastHistogram);
    const second = intervals.filter((r) => r.t > options.durationS / 2);
    const growth = slope(
      second.map((r) => r.t / 60),
      second.map((r) => r.rssMb),
    );
    const lost = Math.max(0, expected - delivered);
    const summary = {
      hub: options.hub,
      durationS: options.durationS,
      rate: options.rate,
      peers: options.peers,
      idle: options.idle,
      sent: sent.frames,
      expectedDeliveries: expected,
      delivered,
      lost,
      rssMbFirst: intervals[0]?.rssMb ?? NaN,
      rssMbMax: Math.max(...intervals.map((r) => r.rssMb)),
      rssMbLast: intervals[intervals.length - 1]?.rssMb ?? NaN,
      rssGrowthMbPerMinSecondHalf: growth,
      loopP99MsWorst: Math.max(...intervals.map((r) => r.loopP99Ms)),
      loopMaxMs: Math.max(...intervals.map((r) => r.loopMaxMs)),
      latencyP99UsWholeRun: percentile(total, 99),
      hubAlive: isAlive(hub.pid),
    };
    if (lost > 0 || !summary.hubAlive) healthy = false;
    if (options.json) {
      console.log(JSON.stringify({ summary, intervals }));
    } else {
      say(
        `soak summary: sent ${summary.sent}, delivered ${delivered}/${expected} (lost ${lost}); ` +
          `rss ${summary.rssMbFirst.toFixed(1)} -> max ${summary.rssMbMax.toFixed(1)} -> last ` +
          `${summary.rssMbLast.toFixed(1)} MB, second-half growth ${growth.toFixed(3)} MB/min; ` +
          `event loop p99 worst ${summary.loopP99MsWorst.toFixed(2)} ms, max ${summary.loopMaxMs.toFixed(1)} ms; ` +
          `hub ${summary.hubAlive ? 'alive' : 'DEAD'}`,
      );
    }
  } finally {
    for (const s of idle) s.destroy();
    await worker.close();
    await hub.stop();
    rmSync(probeDir, { recursive: true, force: true });
  }
  return healthy;
}

if (require.main === module) {
  soak(parseArgs(process.argv.slice(2))).then(
    (healthy) => {
      process.exitCode = healthy ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    },
  );
}
