/**
 * Helpers for the interoperability tests against real Python Reticulum (RNS) (located by
 * test/helpers/python-rns-locator.ts): spawning the harness scripts in `test/interop/py` (one Python RNS instance each,
 * reporting JSON-line events), and starting a hub the Python peers connect to, either a Python
 * transport node or this project's own node (`rns-net run`).
 *
 * Everything listens on 127.0.0.1 only and every wait is bounded.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

import { canConnect, freePort } from '../helpers/loopback-port';
import { PythonRns } from '../helpers/python-rns-locator';
import { RnsNode } from '../../src/node/rns-node';
import { FrameRelay } from './frame-relay';

/** The repository root: the nearest ancestor holding package.json (works from src and dist). */
export const REPO_ROOT: string = findRepoRoot(__dirname);

/** Directory of the Python harness scripts (rns_peer.py, rns_hub.py). */
export const PY_HARNESS_DIR: string = path.join(REPO_ROOT, 'test', 'interop', 'py');

/** The built `rns-net` command; the rns-net hub needs it (`npm run build`). */
export const RNS_NET_CLI: string = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** One JSON line printed by a harness script. `event` names it; `t` is seconds since start. */
export interface InteropEvent {
  event: string;
  t: number;
  [field: string]: unknown;
}

/** How a harness process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Keeps at most this much of a child's stderr, for failure messages. */
const STDERR_TAIL_CHARS = 16 * 1024;

/**
 * A running child process that prints JSON-line events (a Python harness script or the rns-net
 * node). Events are recorded in order and can be awaited; stdin stays open because the Python
 * scripts exit when it closes (so they never outlive the test process).
 */
export class EventedProcess {
  /** Every event received so far, in order. */
  readonly events: InteropEvent[] = [];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;
  private stderrText = '';
  private readonly emitter = new EventEmitter();

  /**
   * @param label - a short name used in error messages (e.g. `server(backbone)`).
   * @param child - the spawned process, with piped stdio.
   */
  constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    this.emitter.setMaxListeners(0);
    if (child.stdout) {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => this.onLine(line));
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.emitter.emit('exit');
        resolve(this.exitInfo);
      });
      child.on('error', (error) => {
        this.stderrText += `\nspawn error: ${error.message}`;
        this.exitInfo = { code: null, signal: null };
        this.emitter.emit('exit');
        resolve(this.exitInfo);
      });
    });
  }

  /** The last part of what the process wrote to stderr (Reticulum's log for the scripts). */
  stderrTail(chars = 4000): string {
    return this.stderrText.slice(-chars);
  }

  /** The first recorded event named `name`; a failure naming the step when the run never got there. */
  step(name: string): InteropEvent {
    const event = this.find(name);
    if (event === undefined) throw this.failure(`step '${name}' not reached`);
    return event;
  }

  /** The first recorded event named `name` that satisfies `match`, if any. */
  find(name: string, match: (event: InteropEvent) => boolean = () => true): InteropEvent | undefined {
    return this.events.find((event) => event.event === name && match(event));
  }

  /** Every recorded event named `name`. */
  all(name: string): InteropEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  /**
   * Resolves with the first event named `name` (already recorded or still to come) that
   * satisfies `match`; rejects after `timeoutMs`, or when the process exits without it, with
   * the process's recent stderr in the message.
   */
  waitFor(
    name: string,
    timeoutMs: number,
    match: (event: InteropEvent) => boolean = () => true,
  ): Promise<InteropEvent> {
    const found = this.find(name, match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.emitter.off('event', onEvent);
        this.emitter.off('exit', onExit);
      };
      const onEvent = (event: InteropEvent): void => {
        if (event.event === name && match(event)) {
          cleanup();
          resolve(event);
        }
      };
      const onExit = (): void => {
        cleanup();
        reject(this.failure(`exited (${JSON.stringify(this.exitInfo)}) before '${name}'`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(this.failure(`no '${name}' event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.emitter.on('event', onEvent);
      if (this.exitInfo) onExit();
      else this.emitter.on('exit', onExit);
    });
  }

  /** Builds an Error naming this process, with its last events and stderr. */
  failure(message: string): Error {
    const recent = this.events
      .slice(-8)
      .map((event) => JSON.stringify(event))
      .join('\n  ');
    return new Error(
      `${this.label}: ${message}\n events:\n  ${recent}\n stderr tail:\n${this.stderrTail(2000)}`,
    );
  }

  /**
   * Stops the process: closes stdin (the scripts exit on EOF), then SIGTERM, then SIGKILL,
   * each after `graceMs` without exit. Resolves once it has exited, with its pipes closed: a
   * process it started may still hold them, and an open pipe keeps the test run alive.
   */
  async stop(graceMs = 3000): Promise<ProcessExit> {
    const exit = await this.terminate(graceMs);
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) stream?.destroy();
    return exit;
  }

  private async terminate(graceMs: number): Promise<ProcessExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.stdin?.end();
    if (await exitsWithin(this.exited, graceMs)) return this.exited;
    this.child.kill('SIGTERM');
    if (await exitsWithin(this.exited, graceMs)) return this.exited;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  private onLine(line: string): void {
    let event: InteropEvent;
    try {
      const parsed: unknown = JSON.parse(line);
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        typeof (parsed as InteropEvent).event !== 'string'
      ) {
        return;
      }
      event = parsed as InteropEvent;
    } catch {
      // Not a JSON event (a stray print): keep it with the diagnostics instead.
      this.stderrText = (this.stderrText + `\n[stdout] ${line}`).slice(-STDERR_TAIL_CHARS);
      return;
    }
    this.events.push(event);
    this.emitter.emit('event', event);
  }
}

/**
 * Writes the config of a transport node (`enable_transport = yes`, loglevel 2, the given
 * `[interfaces]` lines) into `dir` and starts it in-process.
 */
export async function startTransportNode(dir: string, interfaces: readonly string[]): Promise<RnsNode> {
  const config = ['[reticulum]', '  enable_transport = yes', '[logging]', '  loglevel = 2', '[interfaces]'];
  writeFileSync(path.join(dir, 'config'), [...config, ...interfaces, ''].join('\n'));
  return RnsNode.start({ configDir: dir, createDefaultConfig: false });
}

/** The value of `key` in `event`, failing the test when there is no event. */
export function field<T>(event: InteropEvent | undefined, key: string): T {
  expect(event, `event carrying '${key}'`).to.not.equal(undefined);
  return (event as InteropEvent)[key] as T;
}

/**
 * Checks a harness client's whole run to `server` through the node: a path `hops` away, a proven
 * packet, a link, a resource the server received intact, and a summary that says ok.
 *
 * @returns the path event, for checks of its own
 */
export function expectCompleteRun(client: EventedProcess, server: ServerPeer, hops: number): InteropEvent {
  const pathEvent = client.step('path');
  expect(pathEvent.hops).to.equal(hops);
  client.step('packet_proven');
  client.step('link_established');
  const sent = client.step('resource_sent');
  const concluded = server.process.all('resource_concluded');
  expect(concluded.map((e) => e.sha256)).to.include(sent.sha256);
  expect(client.step('summary').ok).to.equal(true);
  return pathEvent;
}

/** How long a client harness gets to run its whole scenario before the test looks at what it did. */
export const CLIENT_RUN_MS = 90_000;

/** Waits until every process in `processes` exited, or `ms` passed. */
export async function runToEnd(processes: readonly EventedProcess[], ms = CLIENT_RUN_MS): Promise<void> {
  await exitsWithin(
    Promise.all(processes.map((p) => p.exited)).then(() => ({ code: 0, signal: null })),
    ms,
  );
}

function exitsWithin(exited: Promise<ProcessExit>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts one harness script with the RNS environment; stdio piped. */
export function spawnPythonScript(
  rns: PythonRns,
  label: string,
  script: string,
  args: string[],
): EventedProcess {
  const child = spawn(rns.python, [path.join(PY_HARNESS_DIR, script), ...args], {
    env: rns.env,
    cwd: PY_HARNESS_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new EventedProcess(label, child);
}

/**
 * How a Python peer attaches: `backbone` (BackboneInterface client), `tcp`
 * (TCPClientInterface), `tcp-kiss` (the same with kiss_framing), `tcp-server` (a listening
 * TCPServerInterface), `udp` (a UDPInterface on `port` sending to `forward_port`, given in
 * `extraArgs` as `--forward-port`), `pipe` (a PipeInterface running `--pipe-command`, in
 * `extraArgs`) or `backbone-server` (a listening BackboneInterface).
 */
export type PeerInterfaceKind =
  'backbone' | 'tcp' | 'tcp-kiss' | 'tcp-server' | 'udp' | 'pipe' | 'backbone-server';

/** Options common to every Python peer. */
export interface PeerOptions {
  /** How the peer attaches to the network. */
  interface: PeerInterfaceKind;
  /** Port to connect to (clients) or listen on (`backbone-server`; 0 = any free port). */
  port: number;
  /** Host to connect to or listen on; default 127.0.0.1. */
  host?: string;
  /** Reticulum log level of the peer (its log goes to stderr); default 2 (warnings). */
  loglevel?: number;
  /** Extra command-line arguments for rns_peer.py. */
  extraArgs?: string[];
}

/** A Python peer playing the server role, announced and ready. */
export interface ServerPeer {
  /** The peer's event stream. */
  process: EventedProcess;
  /** Hex hash of its `rnsnet_interop.<aspect>` destination. */
  destinationHash: string;
  /** For `backbone-server` peers: the port it listens on. */
  port?: number;
}

function peerArgs(role: 'server' | 'client', options: PeerOptions): string[] {
  return [
    '--role',
    role,
    '--interface',
    options.interface,
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port),
    '--loglevel',
    String(options.loglevel ?? 2),
    ...(options.extraArgs ?? []),
  ];
}

/**
 * Starts rns_peer.py in the server role (destination announced, PROVE_ALL, /echo request
 * handler, accepts links and resources) and waits for its `ready` event.
 */
export async function startServerPeer(
  rns: PythonRns,
  options: PeerOptions,
  readyTimeoutMs = 15_000,
): Promise<ServerPeer> {
  const process = spawnPythonScript(
    rns,
    `server(${options.interface})`,
    'rns_peer.py',
    peerArgs('server', options),
  );
  try {
    const ready = await process.waitFor('ready', readyTimeoutMs);
    const port = typeof ready.port === 'number' ? ready.port : undefined;
    return { process, destinationHash: String(ready.hash), port };
  } catch (error) {
    await process.stop();
    throw error;
  }
}

/**
 * Starts a bare Python BackboneInterface server peer on 127.0.0.1 (any free port unless
 * `port` is given): a server-role peer whose interface listens instead of connecting. It
 * reports `peer_connected` / `peer_disconnected` for every connection, `announce` for every
 * announce it accepts, `packet`, `link_established`, `request` and `resource_concluded`. This
 * is the counterpart for "our BackboneInterface client connects to a Python Backbone server".
 * Pass `--announce-interval S` in `extraArgs` to have it announce repeatedly.
 */
export function startBackboneServerPeer(
  rns: PythonRns,
  options: Omit<PeerOptions, 'interface' | 'port'> & { port?: number } = {},
  readyTimeoutMs = 15_000,
): Promise<ServerPeer & { port: number }> {
  return startServerPeer(
    rns,
    { ...options, interface: 'backbone-server', port: options.port ?? 0 },
    readyTimeoutMs,
  ).then((peer) => {
    if (peer.port === undefined) throw new Error('backbone-server peer did not report its port');
    return { ...peer, port: peer.port };
  });
}

/** Options of the client role. */
export interface ClientPeerOptions extends PeerOptions {
  /** Hex hash of the server's destination. */
  destinationHash: string;
  /** Bytes of random resource data to send; default 3 MiB; 0 skips the step. */
  resourceSize?: number;
  /** Answered link keepalives to wait for; default 2; 0 skips the step. */
  keepalives?: number;
  /** Seconds per step before the script gives up; default 15. */
  stepTimeoutSec?: number;
}

/**
 * Starts rns_peer.py in the client role. It runs the whole scripted exchange on its own
 * (path request, proven packet, link, request, keepalives, resource) and exits: 0 after a
 * `summary` event, non-zero after an `error` event.
 */
export function startClientPeer(rns: PythonRns, options: ClientPeerOptions): EventedProcess {
  const args = [
    ...peerArgs('client', options),
    '--dest',
    options.destinationHash,
    '--resource-size',
    String(options.resourceSize ?? 3 * 1024 * 1024),
    '--keepalives',
    String(options.keepalives ?? 2),
    '--step-timeout',
    String(options.stepTimeoutSec ?? 15),
  ];
  return spawnPythonScript(rns, `client(${options.interface})`, 'rns_peer.py', args);
}

/**
 * Which node sits in the middle: a Python transport node, this project's `rns-net run`, or the
 * in-process test relay (frame-relay.ts: the shared-medium semantics in their simplest form,
 * recording every frame).
 */
/**
 * `python`: an rnsd-like Python transport node. `rns-net`: this node as a transport node (its
 * default). `rns-net-flood`: this node as the flood relay (`relay_mode = flood`). `frame-relay`:
 * the in-process test relay.
 */
export type HubKind = 'python' | 'rns-net' | 'rns-net-flood' | 'frame-relay';

/** A running hub: a BackboneInterface server on 127.0.0.1:`port` that relays between peers. */
export interface Hub {
  /** What kind of node it is. */
  kind: HubKind;
  /** Its listening port on 127.0.0.1. */
  port: number;
  /** The hub process, for the hubs that run as one (`ready`, `peer_connected`... for Python). */
  process?: EventedProcess;
  /** The in-process relay with its frame log, for the `frame-relay` hub. */
  relay?: FrameRelay;
  /** Stops the process and removes its temporary files. */
  stop(): Promise<void>;
}

/** True when the rns-net node has been built (`npm run build`), so the rns-net hub can run. */
export function rnsNetCliAvailable(): boolean {
  return existsSync(RNS_NET_CLI);
}

/**
 * The hub kinds to run the interop suite against: `python` and `frame-relay` always, and
 * `rns-net` once the node's CLI is built. `RNS_INTEROP_HUBS` (comma list, e.g. `rns-net`)
 * narrows the set.
 */
export function hubKindsToTest(): HubKind[] {
  const kinds: HubKind[] = ['python', 'frame-relay'];
  if (rnsNetCliAvailable()) kinds.push('rns-net', 'rns-net-flood');
  const wanted = process.env.RNS_INTEROP_HUBS;
  if (!wanted) return kinds;
  const selected = new Set(wanted.split(',').map((kind) => kind.trim()));
  return kinds.filter((kind) => selected.has(kind));
}

/**
 * Starts a hub and resolves once it accepts connections. `python`: rns_hub.py (transport
 * enabled, one BackboneInterface server, as a Python backbone runs). `rns-net`: the built node,
 * `node dist/src/cli/main.js run --config <tmpdir>`, with a config whose only interface is a
 * BackboneInterface server on 127.0.0.1:<free port>. `frame-relay`: the in-process test relay.
 */
export async function startHub(kind: HubKind, rns: PythonRns, readyTimeoutMs = 15_000): Promise<Hub> {
  switch (kind) {
    case 'python':
      return startPythonHub(rns, readyTimeoutMs);
    case 'rns-net':
      return startRnsNetHub(kind, 'transport', readyTimeoutMs);
    case 'rns-net-flood':
      return startRnsNetHub(kind, 'flood', readyTimeoutMs);
    case 'frame-relay': {
      const relay = await FrameRelay.start();
      return { kind, port: relay.port, relay, stop: () => relay.stop() };
    }
  }
}

async function startPythonHub(rns: PythonRns, readyTimeoutMs: number): Promise<Hub> {
  const process = spawnPythonScript(rns, 'hub(python)', 'rns_hub.py', ['--port', '0']);
  let ready: InteropEvent;
  try {
    ready = await process.waitFor('ready', readyTimeoutMs);
  } catch (error) {
    await process.stop();
    throw error;
  }
  return {
    kind: 'python',
    port: Number(ready.port),
    process,
    stop: async () => {
      await process.stop();
    },
  };
}

/** The config the rns-net hub runs with: Reticulum's format, one Backbone server section. */
export function rnsNetHubConfig(port: number, forwarding: 'transport' | 'flood' = 'transport'): string {
  return [
    '# Written by the interop tests: one BackboneInterface server on loopback.',
    '[reticulum]',
    forwarding === 'transport' ? '  enable_transport = yes' : '  relay_mode = flood',
    '',
    '[logging]',
    '  loglevel = 4',
    '',
    '[interfaces]',
    '  [[Interop Backbone]]',
    '    type = BackboneInterface',
    '    enabled = yes',
    '    listen_ip = 127.0.0.1',
    `    listen_port = ${port}`,
    '',
  ].join('\n');
}

async function startRnsNetHub(
  kind: HubKind,
  forwarding: 'transport' | 'flood',
  readyTimeoutMs: number,
): Promise<Hub> {
  if (!rnsNetCliAvailable()) throw new Error(`${RNS_NET_CLI} is missing: run \`npm run build\` first`);
  const configDir = mkdtempSync(path.join(tmpdir(), 'rnsnet-hub-'));
  const port = await freePort();
  writeFileSync(path.join(configDir, 'config'), rnsNetHubConfig(port, forwarding));
  const child = spawn(process.execPath, [RNS_NET_CLI, 'run', '--config', configDir], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const hubProcess = new EventedProcess('hub(rns-net)', child);
  const removeDir = (): void => rmSync(configDir, { recursive: true, force: true });
  try {
    await waitUntilListening(port, readyTimeoutMs, hubProcess);
  } catch (error) {
    await hubProcess.stop();
    removeDir();
    throw error;
  }
  return {
    kind,
    port,
    process: hubProcess,
    stop: async () => {
      // The node's contract is to exit on SIGTERM (closing every interface): ask it that way.
      if (!child.killed && child.exitCode === null) child.kill('SIGTERM');
      await hubProcess.stop();
      removeDir();
    },
  };
}

/**
 * Resolves once a TCP connection to 127.0.0.1:`port` succeeds (and closes it at once), polling
 * every 100 ms; rejects when `owner` exits first or after `timeoutMs`.
 */
export async function waitUntilListening(
  port: number,
  timeoutMs: number,
  owner?: EventedProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void owner?.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited && owner) throw owner.failure(`exited before listening on ${port}`);
    if (await canConnect(port)) return;
    await delay(100);
  }
  const message = `nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`;
  throw owner ? owner.failure(message) : new Error(message);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
