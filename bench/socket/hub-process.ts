/**
 * Starts the hub under test as a child process, so its CPU time and memory are its own: the real
 * node (`node dist/src/cli/main.js run --config <tmpdir>` with a generated config: one
 * BackboneInterface server on 127.0.0.1:<free port>, low log level), the minimal Node relay
 * (`baseline-hub.ts`) or the minimal C relay (`c-relay.c`, compiled on first use with `cc`).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { canConnect, freePort } from '../../test/helpers/loopback-port';
import { readCpuSeconds } from './proc-stats';

/** Which hub to run: the node, the minimal Node relay or the minimal C relay. */
export type HubKind = 'node' | 'baseline' | 'c';

/** Every {@link HubKind}. */
export const HUB_KINDS: readonly HubKind[] = ['node', 'baseline', 'c'];

/** A running hub child process. */
export interface HubProcess {
  /** What runs. */
  kind: HubKind;
  /** Its process id (for /proc). */
  pid: number;
  /** Its BackboneInterface port on 127.0.0.1. */
  port: number;
  /** Its config directory (node only). */
  configDir: string | null;
  /** The last lines it wrote to stderr/stdout (for error messages). */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after a grace period) and removes its temp dir. */
  stop(): Promise<void>;
}

/** Options of {@link startHub}. */
export interface StartHubOptions {
  /** Extra node flags for the child, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/p']`. */
  nodeFlags?: string[];
  /** Extra arguments of the node's `rns-net run`, e.g. `['--no-warm-up']` (node only). */
  runArgs?: string[];
  /** Extra lines for the interface section of the node's config. */
  extraInterfaceConfig?: string[];
  /** Extra interface sections after the Backbone one, as lines (`[[Name]]`, then its keys). */
  extraSections?: string[];
  /** How the node forwards (default `flood`, the relay these socket figures measure). */
  forwarding?: Forwarding;
  /** Node log level 0..8 (default 2: warnings). */
  logLevel?: number;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
  /**
   * Milliseconds to wait for the hub to be ready (default 15 s): its port accepts connections
   * and its start-up work (the node's warm-up, which runs once it listens) is over.
   */
  readyTimeoutMs?: number;
}

/** A hub is settled when it used at most this share of a core over {@link SETTLE_WINDOW_MS}. */
const SETTLED_CPU_SHARE = 0.05;
const SETTLE_WINDOW_MS = 250;

/** The repository root: the nearest ancestor of this file holding package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('bench: repository root not found');
    dir = parent;
  }
  return dir;
}

/** The node's compiled CLI entry point. */
export function nodeCliPath(): string {
  return path.join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
}

/** True when the compiled node CLI exists (the node can be benchmarked). */
export function nodeAvailable(): boolean {
  return existsSync(nodeCliPath());
}

/** Node flags that let a child run a TypeScript file when this code itself runs from source. */
function tsFlags(file: string): string[] {
  return file.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : [];
}

/** The node's forwarding: the flood relay (`relay_mode = flood`) or the transport engine. */
export type Forwarding = 'flood' | 'transport';

/** Writes the node config for a benchmark run. */
export function writeNodeConfig(
  dir: string,
  port: number,
  logLevel: number,
  extra: string[],
  forwarding: Forwarding = 'flood',
  sections: string[] = [],
): void {
  const lines = [
    `# Written by the rns-net benchmarks: the ${forwarding === 'flood' ? 'flood relay' : 'transport engine'}.`,
    '[reticulum]',
    forwarding === 'flood' ? '  relay_mode = flood' : '  enable_transport = yes',
    '',
    '[logging]',
    `  loglevel = ${logLevel}`,
    '',
    '[interfaces]',
    '  [[Bench Backbone]]',
    '    type = BackboneInterface',
    '    enabled = yes',
    '    listen_ip = 127.0.0.1',
    `    listen_port = ${port}`,
    ...extra.map((line) => `    ${line}`),
    ...sections.map((line) => (line.startsWith('[[') ? `  ${line}` : `    ${line}`)),
    '',
  ];
  writeFileSync(path.join(dir, 'config'), lines.join('\n'));
}

/**
 * The C relay's binary, compiled from `bench/socket/c-relay.c` with the system's `cc` into
 * `dist/bench/c-relay` when missing or older than its source.
 *
 * @throws Error when it cannot be compiled (no C compiler, say).
 */
export function cRelayBinary(): string {
  const source = path.join(repoRoot(), 'bench', 'socket', 'c-relay.c');
  const binary = path.join(repoRoot(), 'dist', 'bench', 'c-relay');
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(path.dirname(binary), { recursive: true });
    try {
      execFileSync('cc', ['-O2', '-o', binary, source], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      throw new Error(`bench: cannot compile the C relay (${source}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return binary;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts a hub child process and waits (bounded) until its port accepts connections. */
export async function startHub(kind: HubKind, options: StartHubOptions = {}): Promise<HubProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const nodeFlags = options.nodeFlags ?? [];
  let child: ChildProcess;
  let port: number;
  let configDir: string | null = null;
  if (kind === 'node') {
    if (!nodeAvailable()) throw new Error(`bench: ${nodeCliPath()} is missing (run npm run build)`);
    configDir = mkdtempSync(path.join(tmpdir(), 'rns-net-bench-'));
    port = await freePort();
    writeNodeConfig(
      configDir,
      port,
      options.logLevel ?? 2,
      options.extraInterfaceConfig ?? [],
      options.forwarding,
      options.extraSections ?? [],
    );
    child = spawn(
      process.execPath,
      [...nodeFlags, nodeCliPath(), 'run', '--config', configDir, ...(options.runArgs ?? [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...options.env },
      },
    );
  } else if (kind === 'c') {
    port = await freePort();
    child = spawn(cRelayBinary(), [String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  } else {
    const file = path.join(__dirname, `baseline-hub${path.extname(__filename)}`);
    port = await freePort();
    child = spawn(process.execPath, [...tsFlags(file), ...nodeFlags, file, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      cwd: repoRoot(),
    });
  }
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

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(killTimer);
    }
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`bench: the ${kind} hub exited during start-up:\n${tail}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `bench: the ${kind} hub did not listen on ${port} within ${readyTimeoutMs} ms:\n${tail}`,
      );
    }
    await delay(50);
  }
  // The node listens first and warms its relay path up after: a measurement that started now
  // would time the warm-up, not the node.
  let cpu = readCpuSeconds(child.pid as number);
  for (;;) {
    await delay(SETTLE_WINDOW_MS);
    if (exited) {
      await stop();
      throw new Error(`bench: the ${kind} hub exited during start-up:\n${tail}`);
    }
    const now = readCpuSeconds(child.pid as number);
    // Without /proc there is nothing to wait on.
    if (!Number.isFinite(now) || now - cpu <= (SETTLED_CPU_SHARE * SETTLE_WINDOW_MS) / 1000) break;
    cpu = now;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`bench: the ${kind} hub was still busy ${readyTimeoutMs} ms after its start:\n${tail}`);
    }
  }
  return {
    kind,
    pid: child.pid as number,
    port,
    configDir,
    output: () => tail,
    stop,
  };
}
