/**
 * The peer tables at scale. A Backbone server's state holds `peers` IPs, each with a behaviour
 * record (a connection attempt) and an admission record (a blacklist), served by a HostDriver and
 * a real control socket. A worker thread lists every page as `rns-net peers` does, while this
 * thread, the node, measures its own event-loop delay (perf_hooks, 1 ms resolution, minus the
 * resolution). Also measured: filling the tables (eviction at the cap included), the worst step of
 * a sliced sweep of both tables, and, for comparison, one sorted in-process listing in one turn.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { HostDriver } from '../../src/core/driver/host-driver';
import { PeerPageRequest } from '../../src/core/driver/peer-state-service';
import { silentLogger } from '../../src/core/logger';
import { PeerStatePage } from '../../src/core/peer-state';
import { RuntimeConfigResult, runtimeConfigError } from '../../src/core/runtime-config';
import { ControlServer } from '../../src/node/control/control-server';
import { ControlTarget } from '../../src/node/control/control-target';
import { DEFAULT_ABUSE_SETTINGS } from '../../src/net/abuse/abuse-settings';
import { SWEEP_STEP_ENTRIES } from '../../src/net/net-constants';
import { StreamServerState } from '../../src/net/server/server-state';
import { createServerPeerStateHandle } from '../../src/net/server/server-peer-state-handle';
import type { ListingWorkerReport } from './listing-worker';
import { BACKBONE_SERVER_LINK } from '../../src/plugins/backbone/backbone-constants';

/** Options of {@link runPeerListingBench}. */
export interface PeerListingBenchOptions {
  /** IPs in the tables (and the `max_tracked_peers` cap). */
  readonly peers: number;
}

/** What the benchmark measured. */
export interface PeerListingBenchResult {
  /** IPs in the tables. */
  readonly peers: number;
  /** Microseconds per new IP while filling both tables, evictions at the cap included. */
  readonly insertUs: number;
  /** Entries the client listed (distinct IPs), and whether that is every IP. */
  readonly listed: number;
  /** Wall time of the whole paged listing, client side, in ms. */
  readonly listingMs: number;
  /** The node's event-loop delay during the listing, p99 and max, in ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /**
   * The node's time to build one page (serialising it not included), median and max, in ms: the
   * listing's own cost per turn, apart from the machine's scheduling noise in the loop delay.
   */
  readonly pageP50Ms: number;
  readonly pageMaxMs: number;
  /** The longest step of a sliced sweep pass over both tables, in ms. */
  readonly sweepStepMaxMs: number;
  /** One sorted listing of everything in one turn (what the node did before paging), in ms. */
  readonly oneTurnListMs: number;
}

const RESOLUTION_MS = 1;

/** The node side of the control socket: the driver's peer listing, timed, and nothing else. */
function listingOnly(driver: HostDriver, pageMs: number[]): ControlTarget {
  const unsupported = (): never => {
    throw new Error('not served by the benchmark');
  };
  return {
    listPeers: (request: PeerPageRequest): RuntimeConfigResult<PeerStatePage> => {
      const started = performance.now();
      const page = driver.listPeerPage(request);
      pageMs.push(performance.now() - started);
      return page;
    },
    status: unsupported,
    blacklistPeer: () => runtimeConfigError('unsupported', 'not served by the benchmark'),
    clearPeer: () => runtimeConfigError('unsupported', 'not served by the benchmark'),
    listPaths: () => runtimeConfigError('unsupported', 'not served by the benchmark'),
    dropPath: () => runtimeConfigError('unsupported', 'not served by the benchmark'),
    listRuntimeConfig: unsupported,
    getRuntimeConfig: unsupported,
    setRuntimeConfig: () => runtimeConfigError('unsupported', 'not served by the benchmark'),
    resetRuntimeConfig: () => runtimeConfigError('unsupported', 'not served by the benchmark'),
  };
}

/** The `i`-th IP: 10.0.0.0/8 and then 2001:db8::/32 past 2^24, so both families are listed. */
function ipOf(i: number): string {
  return i < 1 << 24 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `2001:db8::${i.toString(16)}`;
}

function makeState(peers: number): StreamServerState {
  return new StreamServerState({
    link: BACKBONE_SERVER_LINK,
    name: 'Bench Backbone',
    id: 1,
    listenIp: '127.0.0.1',
    listenPort: 4242,
    startup: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 },
    abuse: {
      ...DEFAULT_ABUSE_SETTINGS,
      penaltyExempt: [],
      blacklistDurationMs: 3_600_000,
      connectRateThreshold: 1000,
      connectRateWindowMs: 60_000,
      maxTrackedIps: peers,
    },
  });
}

/** Fills both tables with `count` IPs from `first` on; returns the time per IP in us. */
function fill(state: StreamServerState, first: number, count: number): number {
  const started = performance.now();
  for (let i = first; i < first + count; i++) {
    const ip = ipOf(i);
    state.tracker.recordConnectAttempt(ip);
    state.monitor.blacklist(ip, 3_600_000, 'bench');
  }
  return ((performance.now() - started) * 1000) / count;
}

function runWorker(socketPath: string): Promise<ListingWorkerReport> {
  const file = path.join(__dirname, `listing-worker${path.extname(__filename)}`);
  const worker =
    path.extname(__filename) === '.ts'
      ? new Worker(`require('ts-node/register/transpile-only'); require(${JSON.stringify(file)});`, {
          eval: true,
          workerData: { socketPath },
        })
      : new Worker(file, { workerData: { socketPath } });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: ListingWorkerReport | { error: string }) => {
      void worker.terminate();
      if ('error' in message) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
  });
}

/** Runs the benchmark once; bounded by the table size (100,000 IPs take a few seconds). */
export async function runPeerListingBench(options: PeerListingBenchOptions): Promise<PeerListingBenchResult> {
  const { peers } = options;
  const state = makeState(peers);
  fill(state, 0, peers);
  // Measured at the cap: every new IP evicts one from each table.
  const insertUs = fill(state, peers, Math.min(peers, 20_000));

  let sweepStepMaxMs = 0;
  for (let done = false; !done;) {
    const started = performance.now();
    done = state.sweep(SWEEP_STEP_ENTRIES);
    sweepStepMaxMs = Math.max(sweepStepMaxMs, performance.now() - started);
  }

  const driver = new HostDriver({ logger: silentLogger });
  driver.attach({
    id: 1,
    name: state.config.name,
    typeName: 'BackboneInterface',
    kind: 'listener',
    stop: async () => undefined,
    peerState: createServerPeerStateHandle(state),
  });
  const oneTurnStarted = performance.now();
  const everything = driver.listPeers();
  const oneTurnListMs = performance.now() - oneTurnStarted;

  const pageMs: number[] = [];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-peers-bench-'));
  const socketPath = path.join(dir, 'control.sock');
  const server = await ControlServer.open({
    socketPath,
    configDir: dir,
    target: listingOnly(driver, pageMs),
  });
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  try {
    histogram.enable();
    const report = await runWorker(socketPath);
    histogram.disable();
    if (report.distinct !== everything.length) {
      throw new Error(`listed ${report.distinct} distinct IPs of ${everything.length}`);
    }
    const delayMs = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    pageMs.sort((a, b) => a - b);
    return {
      peers,
      insertUs,
      listed: report.distinct,
      listingMs: report.ms,
      loopDelayP99Ms: delayMs(histogram.percentile(99)),
      loopDelayMaxMs: delayMs(histogram.max),
      pageP50Ms: pageMs[pageMs.length >> 1] ?? 0,
      pageMaxMs: pageMs.at(-1) ?? 0,
      sweepStepMaxMs,
      oneTurnListMs,
    };
  } finally {
    await server.close();
    await driver.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
