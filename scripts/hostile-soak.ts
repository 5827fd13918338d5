/**
 * Hostile soak: the attacks of test/robustness/hostile-input.test.ts at a larger scale, in a loop,
 * for a configurable duration, while two well-behaved peers exchange packets through the hub.
 * Not part of `npm test`.
 *
 * Run against an in-process hub (driver + relay + BackboneInterface server on 127.0.0.1):
 *
 *     node --expose-gc -r ts-node/register/transpile-only scripts/hostile-soak.ts --duration 120
 *
 * or against a running node's BackboneInterface server on this machine:
 *
 *     node -r ts-node/register/transpile-only scripts/hostile-soak.ts --port 4242 --duration 600
 *
 * or against a node process the soak starts itself (`--node 1`, see hostile-soak-node.ts): its
 * stdout a pipe nobody reads at loglevel 7 (the log flood), and each round a control client
 * pipelining requests it never reads, besides the attacks:
 *
 *     node -r ts-node/register/transpile-only scripts/hostile-soak.ts --node 1 --duration 600
 *
 * Options: `--duration <s>` (default 60), `--port <n>` (attack a running node on 127.0.0.1
 * instead of an in-process hub), `--host <ip>` (loopback only; default 127.0.0.1), `--scale <x>`
 * (multiplies every attack's size; default 1), `--interval <s>` (report period; default 5),
 * `--seed <n>` (payload seed; default 1), `--node 1` (start and attack a node process).
 *
 * Every report line shows the elapsed time, RSS, heap, the event-loop delay (p99 and max over
 * the period), the hub's live peers, decoder and pending bytes (in-process only), and the good
 * peers' packets sent, received and missing. After each round it checks the good peers lost
 * nothing; at the end it stops everything, and for an in-process hub checks that the hub is back
 * to its baseline state and no handle leaked. Exit code 0 when every check held, 1 otherwise.
 */
// tsyringe (used by the plugin registry) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, Socket } from 'node:net';
import { HW_MTU } from '../src/core/constants';
import { GoodPeer, until } from '../test/robustness/support/good-peer';
import {
  churn,
  closeSocket,
  connectHostile,
  connectNeverReader,
  DECODER_BOUND,
  escapedOversizedFrame,
  foreignFrames,
  halfFrame,
  oversizedFrame,
  randomGarbage,
  SeededRandom,
  sendAndClose,
  tinyFrames,
  unterminatedFrame,
} from '../test/robustness/support/hostile-clients';
import { RobustHub } from '../test/robustness/support/robust-hub';
import { SoakNode } from './hostile-soak-node';

const MiB = 1024 * 1024;

/** Parsed command line. */
interface SoakOptions {
  readonly durationMs: number;
  readonly port: number | null;
  readonly host: string;
  readonly scale: number;
  readonly intervalMs: number;
  readonly seed: number;
  readonly node: boolean;
}

function parseArgs(argv: readonly string[]): SoakOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    values.set(arg.slice(2), value);
    i++;
  }
  const number = (key: string, fallback: number): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${key} must be a non-negative number`);
    return parsed;
  };
  const host = values.get('host') ?? '127.0.0.1';
  if (!/^127\.|^::1$/.test(host)) throw new Error('--host must be a loopback address');
  for (const key of values.keys()) {
    if (!['duration', 'port', 'host', 'scale', 'interval', 'seed', 'node'].includes(key)) {
      throw new Error(`unknown option --${key}`);
    }
  }
  return {
    durationMs: number('duration', 60) * 1000,
    port: values.has('port') ? number('port', 0) : null,
    host,
    scale: Math.max(0.1, number('scale', 1)),
    intervalMs: Math.max(0.5, number('interval', 5)) * 1000,
    seed: number('seed', 1),
    node: number('node', 0) > 0,
  };
}

/** The payloads of one round, built once: generating MBs of bytes per round would load the loop. */
interface RoundPayloads {
  readonly randomWithFlags: Buffer;
  readonly randomWithoutFlags: Buffer;
  readonly unterminated: Buffer;
  readonly oversized: Buffer;
  readonly tiny: Buffer;
  readonly foreign: Buffer;
}

function buildPayloads(rng: SeededRandom, scale: number): RoundPayloads {
  const size = (bytes: number): number => Math.max(1024, Math.round(bytes * scale));
  return {
    randomWithFlags: randomGarbage(rng, size(4 * MiB), true),
    randomWithoutFlags: randomGarbage(rng, size(4 * MiB), false),
    unterminated: unterminatedFrame(rng, DECODER_BOUND + MiB),
    oversized: Buffer.concat([oversizedFrame(HW_MTU + 1), escapedOversizedFrame(HW_MTU + 1)]),
    tiny: tinyFrames(rng, Math.round(50_000 * scale)),
    // The same foreign packets every round: from the second round on the relay's dedup drops
    // them, which is part of what a replaying attacker exercises.
    foreign: foreignFrames(rng, Math.round(10_000 * scale), 400),
  };
}

/** One round: every attack at once, scaled. Resolves when all attack connections closed. */
async function attackRound(
  port: number,
  host: string,
  rng: SeededRandom,
  scale: number,
  payloads: RoundPayloads,
): Promise<void> {
  const n = (count: number): number => Math.max(1, Math.round(count * scale));
  const stalled = await Promise.all(Array.from({ length: n(3) }, () => connectNeverReader(port, host)));
  const halves: Socket[] = await Promise.all(Array.from({ length: n(50) }, () => connectHostile(port, host)));
  for (const socket of halves) socket.write(halfFrame(rng, rng.int(40, 4000)));
  await Promise.all([
    sendAndClose(port, payloads.randomWithFlags, host),
    sendAndClose(port, payloads.randomWithoutFlags, host),
    sendAndClose(port, payloads.unterminated, host),
    sendAndClose(port, payloads.oversized, host),
    sendAndClose(port, payloads.tiny, host),
    sendAndClose(port, payloads.foreign, host),
    churn(port, rng, n(500), 25, host),
  ]);
  await Promise.all(halves.map((socket) => closeSocket(socket)));
  // The never-readers are dropped by the hub (write stall) or, against a quiet node, by us.
  for (const socket of stalled) socket.destroy();
}

/**
 * Connections from `count` distinct loopback addresses (127.2.0.0/16, a new block each round),
 * each opened and closed at once: the per-IP tables grow as under an attack from many addresses,
 * and must stay bounded (`max_tracked_peers`) and cheap to list. IPv4 targets only.
 */
async function manyAddresses(port: number, host: string, round: number, count: number): Promise<void> {
  if (!host.startsWith('127.')) return;
  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const n = (round * count + i) % (254 * 254);
      const socket = connect({ host, port, localAddress: `127.2.${Math.floor(n / 254)}.${(n % 254) + 1}` });
      socket.on('error', () => undefined);
      socket.once('connect', () => socket.end());
      socket.once('close', () => resolve());
      // The hub relays the good peers' traffic here too: read it, or its close is never seen.
      socket.resume();
    });
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => one(i + j)));
  }
}

/**
 * An operator's `rns-net peers` on the in-process hub: every page, one per turn of the event
 * loop as the control socket serves them; returns the entries listed.
 */
async function listAllPeerPages(hub: RobustHub): Promise<number> {
  let listed = 0;
  let cursor: string | undefined;
  do {
    await new Promise((resolve) => setImmediate(resolve));
    const page = hub.driver.listPeerPage({ cursor });
    if (!page.ok) throw new Error(`peer listing failed: ${page.error.message}`);
    listed += page.value.peers.length;
    cursor = page.value.cursor ?? undefined;
  } while (cursor !== undefined);
  return listed;
}

function mb(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  const resourcesBefore = [...process.getActiveResourcesInfo()].sort();
  const node = options.node ? await SoakNode.start() : null;
  const hub =
    options.port === null && node === null ? await RobustHub.start({ writeStallTimeoutSecs: 2 }) : null;
  const port = hub?.port ?? node?.port ?? (options.port as number);
  const target =
    hub !== null
      ? `in-process hub on 127.0.0.1:${port}`
      : node !== null
        ? `node process (stdout unread, loglevel 7) on 127.0.0.1:${port}`
        : `node at ${options.host}:${port}`;
  console.log(`hostile soak: ${target}, ${options.durationMs / 1000} s, scale ${options.scale}`);

  const a = await GoodPeer.connect(port, 1, options.host);
  const b = await GoodPeer.connect(port, 2, options.host);
  const baseline = hub?.snapshot();
  gc?.();
  const rssBaseline = process.memoryUsage().rss;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  a.startStreaming(Number.MAX_SAFE_INTEGER);
  b.startStreaming(Number.MAX_SAFE_INTEGER);

  const started = Date.now();
  let failures = 0;
  let maxDecoder = 0;
  const report = (label: string): void => {
    const memory = process.memoryUsage();
    const hubPart =
      hub === null
        ? ''
        : (() => {
            const s = hub.snapshot();
            maxDecoder = Math.max(maxDecoder, hub.maxDecoderBytes());
            return ` peers=${s.peers} decoder=${mb(s.decoderBytes)}MB pending=${mb(s.pendingBytes)}MB`;
          })();
    const missingAtB = a.sent - b.receivedFrom(1);
    const missingAtA = b.sent - a.receivedFrom(2);
    console.log(
      `${label} t=${((Date.now() - started) / 1000).toFixed(0)}s rss=${mb(memory.rss)}MB heap=${mb(memory.heapUsed)}MB` +
        ` buffers=${mb(memory.arrayBuffers)}MB loopDelay p99=${(delay.percentile(99) / 1e6).toFixed(1)}ms` +
        ` max=${(delay.max / 1e6).toFixed(1)}ms${hubPart} good sent=${a.sent + b.sent}` +
        ` in-flight=${missingAtA + missingAtB}`,
    );
    delay.reset();
  };
  const ticker = setInterval(() => report('      '), options.intervalMs);
  const sampler = setInterval(() => {
    if (hub !== null) maxDecoder = Math.max(maxDecoder, hub.maxDecoderBytes());
  }, 5);

  const rng = new SeededRandom(options.seed);
  const payloads = buildPayloads(rng, options.scale);
  let round = 0;
  try {
    while (Date.now() - started < options.durationMs) {
      round++;
      await Promise.all([
        attackRound(port, options.host, rng, options.scale, payloads),
        node?.pipelineControl(Math.round(20_000 * options.scale)),
      ]);
      await manyAddresses(port, options.host, round, Math.max(1, Math.round(500 * options.scale)));
      if (hub !== null) await listAllPeerPages(hub);
      // Every good packet sent so far must arrive; nothing may be duplicated or corrupted.
      await Promise.all([b.waitForAllFrom(a, 30_000), a.waitForAllFrom(b, 30_000)]).catch((error: Error) => {
        failures++;
        console.log(`round ${round}: ${error.message}`);
      });
      const ok =
        a.corrupt + b.corrupt === 0 &&
        a.echoed + b.echoed === 0 &&
        !a.unexpectedClose &&
        !b.unexpectedClose &&
        a.reportFrom(b).duplicates + b.reportFrom(a).duplicates === 0 &&
        (hub === null || (hub.running && hub.handlerErrors.length === 0 && maxDecoder <= DECODER_BOUND));
      if (!ok) failures++;
      report(`round ${round}${ok ? '' : ' FAILED'}`);
      if (node !== null) {
        const status = await node.status();
        if (status === undefined) failures++;
        console.log(`       ${status === undefined ? 'node did NOT answer status' : node.describe(status)}`);
      }
      if (a.unexpectedClose || b.unexpectedClose) break;
    }
  } finally {
    clearInterval(ticker);
    clearInterval(sampler);
    await Promise.all([a.stopStreaming(), b.stopStreaming()]);
  }
  await Promise.all([b.waitForAllFrom(a, 30_000), a.waitForAllFrom(b, 30_000)]).catch((error: Error) => {
    failures++;
    console.log(`final delivery: ${error.message}`);
  });
  console.log(`good peers: A->B ${JSON.stringify(b.reportFrom(a))}, B->A ${JSON.stringify(a.reportFrom(b))}`);

  if (hub !== null && baseline !== undefined) {
    const settled = await until(
      () => JSON.stringify(hub.snapshot()) === JSON.stringify(baseline),
      'hub back to baseline',
      30_000,
    ).then(
      () => true,
      () => false,
    );
    if (!settled) failures++;
    console.log(
      `hub state ${settled ? 'back to' : 'NOT back to'} baseline: ${JSON.stringify(hub.snapshot())}`,
    );
  }
  gc?.();
  console.log(`rss ${mb(process.memoryUsage().rss)}MB (after warm-up: ${mb(rssBaseline)}MB)`);
  delay.disable();
  await Promise.all([a.close(), b.close()]);
  if (hub !== null) {
    await hub.stop();
    const leaked = await until(
      () => JSON.stringify([...process.getActiveResourcesInfo()].sort()) === JSON.stringify(resourcesBefore),
      'handles released',
      10_000,
    ).then(
      () => false,
      () => true,
    );
    if (leaked) failures++;
    console.log(
      `handles after stop: ${leaked ? 'LEAKED ' : ''}${JSON.stringify(process.getActiveResourcesInfo())}`,
    );
  }
  if (node !== null) {
    const code = await node.stop();
    if (code !== 0) failures++;
    console.log(`node process exit code ${code} (0 is a clean stop)`);
  }
  console.log(failures === 0 ? 'hostile soak passed' : `hostile soak FAILED (${failures} failed checks)`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
