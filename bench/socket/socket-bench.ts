/**
 * Socket-level benchmark of a relay hub over loopback, with a Node load generator in worker
 * threads (the project's own, needing nothing outside the repo; the external C loadgen gives
 * the official figures, see docs/performance.md). The hub runs as a child process so its CPU
 * and RSS are read separately from /proc.
 *
 * Modes (each bounded in time and frame count; conns runs first, on a fresh hub, so its RSS
 * figure is not blurred by the heap the traffic modes leave behind):
 * - `relay`: 1 sender -> 9 receivers, saturating; deliveries/s.
 * - `ingest`: 4 peers all sending, saturating (the hub relays each frame to the other 3, which
 *   read and discard); frames/s taken in, until the hub's CPU goes idle.
 * - `latency`: 1 -> 9 at a fixed rate (10,000 frames/s); p50/p99 of send -> receive.
 * - `all-to-all`: 10 peers each sending to the 9 others; frames lost.
 * - `conns`: a burst of connects (time until the hub holds them all), then the hub's RSS per
 *   1000 idle peers.
 */
import * as net from 'node:net';
import { HubKind, HubProcess, StartHubOptions, startHub } from './hub-process';
import { histogramCount, mergeHistogram, newHistogram, percentile } from './latency-histogram';
import { LoadWorker, warmUp } from './load-workers';
import { countSocketFds, isAlive, readCpuSeconds, readRssKb } from './proc-stats';
import { ConnectionSpec, ReceiveMode } from './worker-protocol';

/** The benchmark's modes. */
export type SocketMode = 'relay' | 'ingest' | 'latency' | 'all-to-all' | 'conns';

/** All modes, in the order they run. */
export const SOCKET_MODES: readonly SocketMode[] = ['conns', 'relay', 'ingest', 'latency', 'all-to-all'];

/** Options of {@link runSocketBench}. */
export interface SocketBenchOptions {
  /** Which hub to run as the child process. */
  hub: HubKind;
  /** Modes to run. */
  modes: readonly SocketMode[];
  /** Sending time of each traffic mode in milliseconds. */
  durationMs: number;
  /** Frames per sender at most in each traffic mode. */
  maxFramesPerSender?: number;
  /** Rate of the latency mode, frames/s into the hub (default 10,000). */
  latencyRate?: number;
  /** Connections of the conns mode (default 2000). */
  connections?: number;
  /** Worker threads for the receivers of the 1 -> 9 modes (default 1). */
  receiverWorkers?: number;
  /** Options for the hub child process. */
  hubOptions?: StartHubOptions;
  /** Progress lines go here (default: nowhere). */
  log?: (line: string) => void;
}

/** One measured figure. */
export interface SocketBenchResult {
  /** What was measured, e.g. `socket relay 1->9 [node]`. */
  name: string;
  /** The figure. */
  value: number;
  /** Its unit, e.g. `deliveries/s`. */
  unit: string;
  /** Context: hub CPU, RSS, loss, ... */
  detail: string;
}

interface TrafficPlan {
  peers: number;
  senders: number;
  receive: ReceiveMode;
  /** Worker threads; connections are dealt out round-robin, senders first. */
  workers: number;
  /** Frames/s per sender, 0 = saturating. */
  ratePerSender: number;
  durationMs: number;
  maxFramesPerSender: number;
  /** Wait for the hub's CPU to go idle after sending (ingest) instead of for deliveries. */
  untilHubIdle: boolean;
}

interface TrafficOutcome {
  sent: number;
  sendSecs: number;
  delivered: number;
  expected: number;
  rxSecs: number;
  hubCpuPct: number;
  hubRssPeakKb: number;
  hubRssBeforeKb: number;
  closedByHub: number;
  histogram: Uint32Array | null;
  idleSecs: number;
}

const BATCH_FRAMES = 64;
const DRAIN_QUIET_MS = 1000;
const DRAIN_MAX_MS = 10_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '-';
}

/** Waits until the hub's CPU time stops advancing (3 quiet 50 ms samples); returns that time. */
async function waitHubIdle(pid: number, maxMs: number): Promise<number> {
  const end = Date.now() + maxMs;
  let last = readCpuSeconds(pid);
  let quiet = 0;
  let idleSince = performance.now();
  while (Date.now() < end) {
    await delay(50);
    const cpu = readCpuSeconds(pid);
    if (!(cpu - last > 0.011)) {
      if (quiet++ === 0) idleSince = performance.now() - 50;
      if (quiet >= 3) return idleSince;
    } else {
      quiet = 0;
    }
    last = cpu;
  }
  return performance.now();
}

async function runTraffic(hub: HubProcess, plan: TrafficPlan): Promise<TrafficOutcome> {
  const epochNs = process.hrtime.bigint();
  const perWorker: ConnectionSpec[][] = Array.from({ length: plan.workers }, () => []);
  for (let i = 0; i < plan.peers; i++) {
    const isSender = i < plan.senders;
    // Receivers-only plans (1 -> 9) keep the sender alone in worker 0 when there are 2+ workers.
    const target =
      plan.senders === 1 && plan.workers > 1
        ? i === 0
          ? 0
          : 1 + ((i - 1) % (plan.workers - 1))
        : i % plan.workers;
    perWorker[target].push({
      senderId: isSender ? i : null,
      receive: plan.senders === plan.peers || !isSender ? plan.receive : 'discard',
    });
  }
  const receiving = perWorker.flat().filter((c) => c.receive !== 'discard').length;
  const workers = perWorker.map(
    (connections) => new LoadWorker({ port: hub.port, epochNs, connections, batchFrames: BATCH_FRAMES }),
  );
  try {
    for (const w of workers) {
      const c = await w.next('connected', 15_000);
      if (c.failed > 0) throw new Error(`${c.failed} connections to the hub failed`);
    }
    await warmUp(workers, receiving);

    const rssBefore = readRssKb(hub.pid);
    let rssPeak = rssBefore;
    const cpu0 = readCpuSeconds(hub.pid);
    const t0 = performance.now();
    for (const w of workers) {
      w.send({
        cmd: 'send',
        durationMs: plan.durationMs,
        maxFramesPerSender: plan.maxFramesPerSender,
        ratePerSender: plan.ratePerSender,
      });
    }
    const rssTimer = setInterval(() => {
      rssPeak = Math.max(rssPeak, readRssKb(hub.pid));
    }, 200);
    let sent = 0;
    let startUs = Number.MAX_SAFE_INTEGER;
    let endUs = 0;
    try {
      for (const w of workers) {
        const s = await w.next('sent', plan.durationMs + 15_000);
        sent += s.frames;
        if (s.frames > 0) {
          startUs = Math.min(startUs, s.startUs);
          endUs = Math.max(endUs, s.endUs);
        }
      }
      const expected = receiving > 0 ? sent * (plan.peers - 1) : 0;
      let delivered = 0;
      let lastRxUs = 0;
      let closedByHub = 0;
      let histogram: Uint32Array | null = null;
      let idleSecs = NaN;
      let cpuEnd = NaN;
      let cpuWindowSecs = NaN;
      if (plan.untilHubIdle) {
        const idleAt = await waitHubIdle(hub.pid, DRAIN_MAX_MS);
        idleSecs = (idleAt - t0) / 1000;
        cpuEnd = readCpuSeconds(hub.pid);
        cpuWindowSecs = idleSecs;
      }
      // Drain: collect deliveries until all arrived or nothing new came for a while.
      const drainEnd = Date.now() + DRAIN_MAX_MS;
      let lastProgress = Date.now();
      let lastDelivered = -1;
      for (;;) {
        const reports = await Promise.all(workers.map((w) => w.report()));
        delivered = reports.reduce((n, r) => n + r.rxFrames, 0);
        lastRxUs = reports.reduce((m, r) => Math.max(m, r.lastRxUs), 0);
        closedByHub = reports.reduce((n, r) => n + r.closedByHub, 0);
        const histograms = reports.map((r) => r.histogram).filter((h): h is Uint32Array => h !== null);
        if (histograms.length > 0) {
          histogram = newHistogram();
          for (const h of histograms) mergeHistogram(histogram, h);
        }
        if (delivered !== lastDelivered) {
          lastDelivered = delivered;
          lastProgress = Date.now();
        }
        if (delivered >= expected || Date.now() - lastProgress > DRAIN_QUIET_MS || Date.now() > drainEnd)
          break;
        await delay(100);
      }
      if (!plan.untilHubIdle) {
        cpuEnd = readCpuSeconds(hub.pid);
        // The CPU window runs from the first frame sent to the last delivery.
        cpuWindowSecs = (Math.max(endUs, lastRxUs) - startUs) / 1e6;
      }
      return {
        sent,
        sendSecs: (endUs - startUs) / 1e6,
        delivered,
        expected,
        rxSecs: (lastRxUs - startUs) / 1e6,
        hubCpuPct: (100 * (cpuEnd - cpu0)) / cpuWindowSecs,
        hubRssPeakKb: Math.max(rssPeak, readRssKb(hub.pid)),
        hubRssBeforeKb: rssBefore,
        closedByHub,
        histogram,
        idleSecs,
      };
    } finally {
      clearInterval(rssTimer);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** Opens `count` connections (at most `window` in flight); resolves with the open sockets. */
async function openConnections(
  port: number,
  count: number,
  window: number,
  timeoutMs: number,
): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  let next = 0;
  let inFlight = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(sockets), timeoutMs);
    const launch = (): void => {
      while (inFlight < window && next < count) {
        next++;
        inFlight++;
        const socket = net.connect({ host: '127.0.0.1', port });
        let done = false;
        const settle = (ok: boolean): void => {
          if (done) return;
          done = true;
          inFlight--;
          if (ok) sockets.push(socket);
          else failed++;
          if (sockets.length + failed === count) {
            clearTimeout(timer);
            resolve(sockets);
          } else {
            launch();
          }
        };
        socket.once('connect', () => settle(true));
        socket.on('error', () => settle(false));
      }
    };
    launch();
  });
}

async function runConns(hub: HubProcess, count: number, label: string): Promise<SocketBenchResult[]> {
  // Start from a settled socket count: connections of earlier steps (the readiness probe, a
  // previous mode) may still be closing in the hub.
  let fds0 = countSocketFds(hub.pid);
  for (let i = 0; i < 40; i++) {
    await delay(50);
    const now = countSocketFds(hub.pid);
    if (now === fds0) break;
    fds0 = now;
  }
  const rss0 = readRssKb(hub.pid);
  const t0 = performance.now();
  const opening = openConnections(hub.port, count, 256, 20_000);
  // "Accepted" = the hub holds the socket (its fd count), not just the kernel's handshake.
  let acceptedSecs = NaN;
  let accepted = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await delay(50);
    accepted = countSocketFds(hub.pid) - fds0;
    if (accepted >= count) {
      acceptedSecs = (performance.now() - t0) / 1000;
      break;
    }
  }
  const sockets = await opening;
  await delay(1000);
  const held = countSocketFds(hub.pid) - fds0;
  const rss1 = readRssKb(hub.pid);
  for (const s of sockets) s.destroy();
  await delay(300);
  const alive = isAlive(hub.pid);
  const perThousandMb = held > 0 ? ((rss1 - rss0) * 1000) / held / 1024 : NaN;
  return [
    {
      name: `socket connect burst ${count} [${label}]`,
      value: acceptedSecs,
      unit: 's to accept all',
      detail: `${sockets.length} connected, hub holds ${Math.max(accepted, held)}${alive ? '' : ', HUB DIED'}`,
    },
    {
      name: `socket idle peers ${count} [${label}]`,
      value: perThousandMb,
      unit: 'MB RSS / 1k peers',
      detail: `hub rss ${fmt(rss0 / 1024, 1)} -> ${fmt(rss1 / 1024, 1)} MB with ${held} held`,
    },
  ];
}

/**
 * Runs the chosen modes against a freshly started hub child process (one hub for all modes)
 * and returns one or more figures per mode.
 */
export async function runSocketBench(options: SocketBenchOptions): Promise<SocketBenchResult[]> {
  const log = options.log ?? ((): void => undefined);
  const label = options.hub;
  const durationMs = options.durationMs;
  const maxFrames = options.maxFramesPerSender ?? 5_000_000;
  const receiverWorkers = options.receiverWorkers ?? 1;
  const results: SocketBenchResult[] = [];
  const hub = await startHub(options.hub, options.hubOptions);
  try {
    for (const mode of options.modes) {
      log(`socket ${mode} [${label}] ...`);
      if (!isAlive(hub.pid)) throw new Error(`the ${label} hub died:\n${hub.output()}`);
      if (mode === 'relay') {
        const o = await runTraffic(hub, {
          peers: 10,
          senders: 1,
          receive: 'count',
          workers: 1 + receiverWorkers,
          ratePerSender: 0,
          durationMs,
          maxFramesPerSender: maxFrames,
          untilHubIdle: false,
        });
        results.push({
          name: `socket relay 1->9 [${label}]`,
          value: o.delivered / o.rxSecs,
          unit: 'deliveries/s',
          detail: `sent ${fmt(o.sent / o.sendSecs)} f/s, ${fmt(o.delivered)}/${fmt(o.expected)} delivered, hub cpu ${fmt(o.hubCpuPct)} %, rss peak ${fmt(o.hubRssPeakKb / 1024, 1)} MB${closedNote(o)}`,
        });
      } else if (mode === 'ingest') {
        const o = await runTraffic(hub, {
          peers: 4,
          senders: 4,
          receive: 'discard',
          workers: 1,
          ratePerSender: 0,
          durationMs,
          maxFramesPerSender: maxFrames,
          untilHubIdle: true,
        });
        results.push({
          name: `socket ingest 4 peers [${label}]`,
          value: o.sent / o.idleSecs,
          unit: 'frames/s',
          detail: `sent ${fmt(o.sent)} frames, hub idle after ${fmt(o.idleSecs, 2)} s, hub cpu ${fmt(o.hubCpuPct)} %${closedNote(o)}`,
        });
      } else if (mode === 'latency') {
        const rate = options.latencyRate ?? 10_000;
        const o = await runTraffic(hub, {
          peers: 10,
          senders: 1,
          receive: 'latency',
          workers: 1 + receiverWorkers,
          ratePerSender: rate,
          durationMs,
          maxFramesPerSender: maxFrames,
          untilHubIdle: false,
        });
        const h = o.histogram ?? newHistogram();
        results.push({
          name: `socket latency p50 at ${fmt(rate)} f/s ->9 [${label}]`,
          value: percentile(h, 50),
          unit: 'us',
          detail: `${fmt(histogramCount(h))} samples, loss ${fmt(lossPct(o), 2)} %, hub cpu ${fmt(o.hubCpuPct)} %`,
        });
        results.push({
          name: `socket latency p99 at ${fmt(rate)} f/s ->9 [${label}]`,
          value: percentile(h, 99),
          unit: 'us',
          detail: `p99.9 ${fmt(percentile(h, 99.9))} us, max ${fmt(percentile(h, 100))} us`,
        });
      } else if (mode === 'all-to-all') {
        const o = await runTraffic(hub, {
          peers: 10,
          senders: 10,
          receive: 'count',
          workers: 2,
          ratePerSender: 0,
          durationMs,
          maxFramesPerSender: maxFrames,
          untilHubIdle: false,
        });
        results.push({
          name: `socket all-to-all 10 peers [${label}]`,
          value: lossPct(o),
          unit: '% lost',
          detail: `${fmt(o.delivered)}/${fmt(o.expected)} delivered, ${fmt(o.delivered / o.rxSecs)} deliveries/s, rss ${fmt(o.hubRssBeforeKb / 1024, 1)} -> peak ${fmt(o.hubRssPeakKb / 1024, 1)} MB${closedNote(o)}`,
        });
      } else {
        results.push(...(await runConns(hub, options.connections ?? 2000, label)));
      }
      // Let the hub settle between modes (closed peers, GC).
      await delay(300);
    }
  } finally {
    await hub.stop();
  }
  return results;
}

function lossPct(o: TrafficOutcome): number {
  if (o.expected === 0) return 0;
  return (100 * Math.max(0, o.expected - o.delivered)) / o.expected;
}

function closedNote(o: TrafficOutcome): string {
  return o.closedByHub > 0 ? `, ${o.closedByHub} peers closed by hub` : '';
}
