/**
 * The hubs the transport benchmarks compare, each a child process with one BackboneInterface
 * server on 127.0.0.1:
 *
 * - `transport`: this node with `enable_transport = yes` (the transport engine);
 * - `flood`: this node with `relay_mode = flood` (the shared-medium relay);
 * - `rnsd`: Python RNS's `rnsd` with `enable_transport = Yes`, started only when Python RNS is
 *   importable (`RNS_PYTHON_PATH`, see test/helpers/python-rns-locator.ts).
 *
 * Our node runs with the event-loop probe preloaded (bench/soak/event-loop-probe.ts), so its
 * event-loop delay is measured inside the hub process, and answers `status` on its control
 * socket (the transport engine's counters and table sizes).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ControlClient } from '../../src/node/control/control-client';
import { controlSocketPath } from '../../src/node/control/control-socket-path';
import { NodeStatus } from '../../src/node/node-status';
import { canConnect, freePort } from '../../test/helpers/loopback-port';
import { PythonRns, findPythonRns } from '../../test/helpers/python-rns-locator';
import type { LoopProbeSample } from '../soak/event-loop-probe';
import { startHub } from '../socket/hub-process';
import { readRssKb } from '../socket/proc-stats';

/** Which hub runs. */
export type TransportHubKind = 'transport' | 'flood' | 'rnsd';

/** Every hub kind, in the order the benchmarks run them. */
export const TRANSPORT_HUB_KINDS: readonly TransportHubKind[] = ['transport', 'flood', 'rnsd'];

/** A running hub. */
export interface TransportBenchHub {
  readonly kind: TransportHubKind;
  /** Its process id (for /proc). */
  readonly pid: number;
  /** Its BackboneInterface port on 127.0.0.1. */
  readonly port: number;
  /** Our node's `status` (counters, tables, process health); null for rnsd. */
  status(): Promise<NodeStatus | null>;
  /** Event-loop probe samples written so far (our node only; empty for rnsd). */
  loopSamples(): LoopProbeSample[];
  /**
   * Memory now: our node started with `memoryProbe` runs a full garbage collection first and
   * reports its RSS and live heap; otherwise RSS from /proc and no heap figure (NaN).
   */
  memory(): Promise<HubMemory>;
  /** The last lines the hub wrote, for error messages. */
  output(): string;
  /** Stops it and removes its files (idempotent). */
  stop(): Promise<void>;
}

/** A hub's memory at one moment, kB. */
export interface HubMemory {
  readonly rssKb: number;
  /** V8 heap in use after a full garbage collection (our node with `memoryProbe`), else NaN. */
  readonly heapUsedKb: number;
  /** ArrayBuffer and Buffer memory after that collection (outside the V8 heap), else NaN. */
  readonly arrayBuffersKb: number;
  /** The V8 heap's committed size after that collection, else NaN. */
  readonly heapTotalKb: number;
}

/** Options of {@link startTransportHub}. */
export interface TransportHubOptions {
  /** `ingress_control = no` on the listener (and so on every peer it spawns). */
  readonly ingressControl?: boolean;
  /** Event-loop probe interval in ms (default 1000). */
  readonly probeIntervalMs?: number;
  /** Our node: `--expose-gc`, so {@link TransportBenchHub.memory} measures after a full GC. */
  readonly memoryProbe?: boolean;
  /** Extra node flags for our node (V8 settings under test, e.g. `--heap-growing-percent=10`). */
  readonly nodeFlags?: readonly string[];
  /** Our node writes a V8 CPU profile into `<profileDir>-<kind>/` when it exits. */
  readonly profileDir?: string;
  /** Python RNS, for `rnsd` (found with {@link findPythonRns} when not given). */
  readonly python?: PythonRns;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The compiled (or, from source, TypeScript) event-loop probe preload. */
function probePath(): string {
  return path.join(__dirname, '..', 'soak', `event-loop-probe${path.extname(__filename)}`);
}

/** Reads the probe's JSON lines (an unfinished last line is skipped). */
function readProbe(file: string): LoopProbeSample[] {
  if (!existsSync(file)) return [];
  const samples: LoopProbeSample[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      samples.push(JSON.parse(line) as LoopProbeSample);
    } catch {
      // A line being written right now.
    }
  }
  return samples;
}

/** Starts a hub of `kind` and waits (bounded) until it accepts connections. */
export async function startTransportHub(
  kind: TransportHubKind,
  options: TransportHubOptions = {},
): Promise<TransportBenchHub> {
  if (kind === 'rnsd') {
    const python = options.python ?? (await findPythonRns());
    if (python === undefined) throw new Error('bench: Python RNS is not importable (set RNS_PYTHON_PATH)');
    return startRnsd(python, options);
  }
  const probeDir = mkdtempSync(path.join(tmpdir(), 'rns-net-bench-probe-'));
  const probeFile = path.join(probeDir, 'loop.jsonl');
  const file = probePath();
  const hub = await startHub('node', {
    forwarding: kind,
    nodeFlags: [
      ...(file.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : []),
      '-r',
      file,
      ...(options.memoryProbe === true ? ['--expose-gc'] : []),
      ...(options.nodeFlags ?? []),
      ...(options.profileDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}-${kind}`]),
    ],
    extraInterfaceConfig: options.ingressControl === false ? ['ingress_control = no'] : [],
    env: {
      RNS_BENCH_LOOP_PROBE_FILE: probeFile,
      RNS_BENCH_LOOP_PROBE_INTERVAL_MS: String(options.probeIntervalMs ?? 1000),
      RNS_BENCH_LOOP_PROBE_GC_ON_SIGNAL: options.memoryProbe === true ? '1' : '0',
    },
  });
  const configDir = hub.configDir as string;
  let stopped = false;
  return {
    kind,
    pid: hub.pid,
    port: hub.port,
    status: async () => {
      const client = await ControlClient.connect(controlSocketPath(configDir), { configDir });
      try {
        return await client.call('status', {}, 10_000);
      } finally {
        client.close();
      }
    },
    loopSamples: () => readProbe(probeFile).filter((s) => s.gc !== true),
    memory: async () => {
      if (options.memoryProbe !== true) {
        return { rssKb: readRssKb(hub.pid), heapUsedKb: NaN, arrayBuffersKb: NaN, heapTotalKb: NaN };
      }
      const before = readProbe(probeFile).filter((s) => s.gc === true).length;
      process.kill(hub.pid, 'SIGUSR2');
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        await delay(50);
        const gcs = readProbe(probeFile).filter((s) => s.gc === true);
        if (gcs.length > before) {
          const last = gcs[gcs.length - 1];
          return {
            rssKb: last.rssKb,
            heapUsedKb: last.heapUsedKb,
            arrayBuffersKb: last.arrayBuffersKb ?? NaN,
            heapTotalKb: last.heapTotalKb ?? NaN,
          };
        }
      }
      throw new Error('bench: the node wrote no memory sample after SIGUSR2');
    },
    output: () => hub.output(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await hub.stop();
      rmSync(probeDir, { recursive: true, force: true });
    },
  };
}

/** The rnsd config: transport on, no shared instance (no fixed ports), one Backbone listener. */
function rnsdConfig(port: number, ingressControl: boolean): string {
  return [
    '# Written by the rns-net transport benchmarks: rnsd as a transport hub.',
    '[reticulum]',
    '  enable_transport = Yes',
    '  share_instance = No',
    '  panic_on_interface_error = No',
    '',
    '[logging]',
    '  loglevel = 2',
    '',
    '[interfaces]',
    '  [[Bench Backbone]]',
    '    type = BackboneInterface',
    '    enabled = yes',
    '    listen_ip = 127.0.0.1',
    `    listen_port = ${port}`,
    ...(ingressControl ? [] : ['    ingress_control = no']),
    '',
  ].join('\n');
}

async function startRnsd(python: PythonRns, options: TransportHubOptions): Promise<TransportBenchHub> {
  const configDir = mkdtempSync(path.join(tmpdir(), 'rns-net-bench-rnsd-'));
  const port = await freePort();
  writeFileSync(path.join(configDir, 'config'), rnsdConfig(port, options.ingressControl !== false));
  const child: ChildProcess = spawn(
    python.python,
    ['-m', 'RNS.Utilities.rnsd', '--config', configDir, '-q'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: python.env },
  );
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exitedPromise.then(() => {
    exited = true;
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(killTimer);
    }
    rmSync(configDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`bench: rnsd exited during start-up:\n${tail}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`bench: rnsd did not listen on ${port} within 30 s:\n${tail}`);
    }
    await delay(100);
  }
  return {
    kind: 'rnsd',
    pid: child.pid as number,
    port,
    status: () => Promise.resolve(null),
    loopSamples: () => [],
    memory: () =>
      Promise.resolve({
        rssKb: readRssKb(child.pid as number),
        heapUsedKb: NaN,
        arrayBuffersKb: NaN,
        heapTotalKb: NaN,
      }),
    output: () => tail,
    stop,
  };
}

/** What the Python side runs with: RNS version and `RNS.Cryptography.Provider.backend()`. */
export async function pythonBackend(python: PythonRns): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(
      python.python,
      [
        '-c',
        'import RNS, RNS.Cryptography.Provider as P; print("RNS " + RNS.__version__ + ", crypto " + P.backend())',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: python.env },
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(out.trim() || 'unknown');
    });
  });
}
