/**
 * Hostile soak: the attacks of test/robustness/hostile-input.test.ts at a larger scale, in a loop,
 * for a configurable duration, while two well-behaved peers exchange packets through the hub.
 * Not part of `npm test`. The two good peers run in a child process of their own
 * (hostile-soak-pair.ts), so their reading never waits on the attackers' event loop, and count
 * from their first round trip through the hub.
 *
 * Besides those (all from 127.0.0.1), each round runs the memory attacks from other loopback
 * addresses: unfinished frames held by one IP (127.0.0.2) until the deadline or the node-wide
 * receive budget cuts them, one IP (127.0.0.3) filling connection slots past its cap, and a fast
 * sender of 1 MiB packets (127.0.0.4) beside a reader draining 20 MB/s (127.0.0.5), which must
 * never be disconnected. The in-process hub (and the node of `--node 1`) runs these defences with
 * short durations, so every round sees them act: see {@link HUB_PARAMS}. Against a running node,
 * give its server the same keys (above all `penalty_exempt = 127.0.0.1`, or loopback is exempt
 * from the per-IP cap).
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
 * nothing (and with `--node 1` prints what the node dropped for them, from its per-peer
 * metrics); at the end it prints the good pair's losses and delay, the RSS maximum and slope
 * over the last 5 minutes (the node's with `--node 1`), stops everything, and for an in-process
 * hub checks that the hub is back to its baseline state and no handle leaked. Exit code 0 when
 * every check held, 1 otherwise.
 */
// tsyringe (used by the plugin registry) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, Socket } from 'node:net';
import { HW_MTU } from '../src/core/constants';
import { until } from '../test/robustness/support/good-peer';
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
import {
  connectFrom,
  fillSlots,
  holdPartialFrame,
  sendBigPackets,
  SteadyReader,
} from '../test/robustness/support/memory-attacks';
import { RobustHub } from '../test/robustness/support/robust-hub';
import { BufferBudgets } from '../src/core/buffer-budgets';
import { PluginEvent } from '../src/core/plugin-events';
import { SoakNode } from './hostile-soak-node';
import { GoodPairProcess, PairStats } from './hostile-soak-pair';

const MiB = 1024 * 1024;

/**
 * The server keys of the in-process hub (and of the `--node 1` node) for the memory attacks: the good peers and the older attacks
 * come from 127.0.0.1 (exempt); the memory attackers from 127.0.0.2-5 meet a 32-connection cap,
 * a 2 s unfinished-frame deadline and penalties of 1-2 s (short, so they are back next round);
 * the per-IP tables hold at most 10,000 addresses.
 */
const HUB_PARAMS: Readonly<Record<string, string>> = {
  penalty_exempt: '127.0.0.1',
  max_connections_per_ip: '32',
  partial_frame_timeout: '2',
  partial_frame_blacklist_threshold: '4',
  partial_frame_blacklist_window: '60',
  blacklist_duration: '1',
  max_penalty_duration: '2',
  // 500 new addresses a round: the cap is reached within the first 20 rounds, so the per-IP
  // tables evict at their bound for the rest of the run and RSS measures what is left.
  max_tracked_peers: '10000',
};

/**
 * The node-wide budgets of the in-process hub (and of the `--node 1` node): small, so the attacks exceed them every round (24 held
 * frames of 1.5 MiB; some 60 connections that read nothing while 1 MiB packets are relayed).
 */
const HUB_BUDGETS = { receiveBytes: 16 * MiB, sendBytes: 64 * MiB };

/** What one round of memory attacks observed; `problems` lists the checks that failed. */
interface MemoryRound {
  /** Connections of the frame holder (127.0.0.2) and the slot filler (127.0.0.3) the hub admitted. */
  readonly admitted: number;
  /** The steady reader's intact 1 MiB packets. */
  readonly readerBigPackets: number;
  readonly problems: string[];
}

/** Connections from `ip` the hub admitted and closed, among `events`. */
function admittedAndClosed(events: readonly PluginEvent[], ip: string): [number, number] {
  let admitted = 0;
  let closed = 0;
  for (const event of events) {
    if (event.detail.ip !== ip) continue;
    if (event.name === 'peer.connected') admitted++;
    else if (event.name === 'peer.disconnected') closed++;
  }
  return [admitted, closed];
}

/** The innocent side of the fast-sender attack: connected for the whole soak, like a real peer. */
interface FastSenderPair {
  readonly reader: SteadyReader;
  readonly sender: Socket;
  /** Big packets sent so far (the next sequence number). */
  sent: number;
  /** Whether the reader's disconnection was reported (once). */
  readerLossReported: boolean;
}

/**
 * The memory attacks of one round, at once: 24 connections holding 1.5 MiB unfinished frames
 * from one IP and 40 connections from another (8 over its cap), none of which reads, while the
 * fast sender sends 1 MiB packets and the reader drains 20 MB/s. Past the unfinished-frame
 * deadline every attacker connection must have been cut (deadline, receive budget, or the
 * penalty that follows a refusal at the cap); the reader must never be. The hub-side checks need
 * an in-process `hub`.
 */
async function memoryRound(
  port: number,
  host: string,
  scale: number,
  hub: RobustHub | null,
  soakNode: SoakNode | null,
  pair: FastSenderPair,
): Promise<MemoryRound> {
  // The in-process hub and the soak's node process run HUB_PARAMS; a node given by --port may not.
  const defended = hub !== null || soakNode !== null;
  const problems: string[] = [];
  const firstEvent = hub?.peerEvents.length ?? 0;
  const bigBefore = pair.reader.bigPackets;
  const startedAt = Date.now();
  const attackers = async (): Promise<Socket[]> => {
    const holders = await Promise.all(
      Array.from({ length: Math.max(1, Math.round(24 * scale)) }, () =>
        holdPartialFrame(port, '127.0.0.2', 1.5 * MiB, host).catch(() => null),
      ),
    );
    const slots = await fillSlots(port, '127.0.0.3', 40, host);
    return [...holders.filter((s): s is Socket => s !== null), ...slots];
  };
  const fastSender = async (): Promise<void> => {
    const count = Math.max(1, Math.round(20 * scale));
    await sendBigPackets(pair.sender, count, 1_000_000, pair.sent);
    pair.sent += count;
    // Let the reader drain what the hub still holds for it (4 MiB at 20 MB/s, with margin).
    await new Promise((resolve) => setTimeout(resolve, 1500));
  };
  const [sockets] = await Promise.all([attackers(), fastSender()]);
  // Past the deadline, read what the hub sent them, so each sees the end of its stream.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + 3000 - Date.now())));
  for (const socket of sockets) socket.resume();
  const open = (): number => sockets.filter((socket) => !socket.closed).length;
  if (defended) {
    await until(() => open() === 0, 'every attacker connection to be cut', 15_000).catch(() => undefined);
    if (open() > 0) problems.push(`${open()} attacker connections were not cut by the hub`);
  }
  for (const socket of sockets) socket.destroy();
  if (pair.reader.closedByHub && !pair.readerLossReported) {
    pair.readerLossReported = true;
    problems.push(
      'the steady reader was disconnected' +
        (soakNode === null ? '' : ` (node: ${JSON.stringify(await soakNode.disconnections())})`),
    );
  }
  if (pair.reader.corrupt + pair.reader.outOfOrder > 0) {
    problems.push('the steady reader got corrupt or reordered packets');
  }

  let admitted = 0;
  if (hub !== null) {
    const events = hub.peerEvents.slice(firstEvent);
    const [held] = admittedAndClosed(events, '127.0.0.2');
    const [filler] = admittedAndClosed(events, '127.0.0.3');
    if (filler > 32) problems.push(`the slot filler got ${filler} connections past its cap of 32`);
    admitted = held + filler;
  }
  return { admitted, readerBigPackets: pair.reader.bigPackets - bigBefore, problems };
}

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

/** Least-squares slope of `samples` ([seconds, bytes]) in MiB per minute; 0 for fewer than 2. */
function slopeMiBPerMinute(samples: ReadonlyArray<readonly [number, number]>): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const meanT = samples.reduce((sum, [t]) => sum + t, 0) / n;
  const meanV = samples.reduce((sum, [, v]) => sum + v, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of samples) {
    num += (t - meanT) * (v - meanV);
    den += (t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den / MiB) * 60;
}

/** `max X MB; slope over the last N s Y MiB/min` of RSS samples ([seconds, bytes]). */
function rssSummary(samples: ReadonlyArray<readonly [number, number]>): string {
  const lastSecs = samples.length > 0 ? (samples[samples.length - 1] as readonly [number, number])[0] : 0;
  const window = samples.filter(([t]) => t >= lastSecs - 300);
  return (
    `max ${mb(Math.max(0, ...samples.map(([, v]) => v)))}MB; slope over the last ` +
    `${Math.round(lastSecs - (window[0]?.[0] ?? lastSecs))} s ${slopeMiBPerMinute(window).toFixed(2)} MiB/min`
  );
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  const resourcesBefore = [...process.getActiveResourcesInfo()].sort();
  // 5 s of write stall: the steady reader runs in this process, which a loaded machine can starve.
  const node = options.node
    ? await SoakNode.start({ ...HUB_PARAMS, write_stall_timeout: '5' }, HUB_BUDGETS)
    : null;
  const hub =
    options.port === null && node === null
      ? await RobustHub.start({
          // Not 2 s: this process hosts the steady reader too, and a loaded machine can starve
          // it for a second or two; the never-readers are still cut within the round.
          writeStallTimeoutSecs: 5,
          params: HUB_PARAMS,
          buffers: new BufferBudgets(HUB_BUDGETS),
        })
      : null;
  const port = hub?.port ?? node?.port ?? (options.port as number);
  const target =
    hub !== null
      ? `in-process hub on 127.0.0.1:${port}`
      : node !== null
        ? `node process (stdout unread, loglevel 7) on 127.0.0.1:${port}`
        : `node at ${options.host}:${port}`;
  console.log(`hostile soak: ${target}, ${options.durationMs / 1000} s, scale ${options.scale}`);

  // Attacks from other loopback addresses need an IPv4 loopback target.
  const pair: FastSenderPair | null = options.host.startsWith('127.')
    ? {
        reader: await SteadyReader.connect(port, '127.0.0.5', 20_000_000, options.host),
        sender: await connectFrom(port, '127.0.0.4', options.host),
        sent: 0,
        readerLossReported: false,
      }
    : null;
  // The hub's state at rest, without the good pair (which has closed when it is compared).
  if (hub !== null) await until(() => hub.peerEntries().length === (pair === null ? 0 : 2), 'peers up');
  const baseline = hub?.snapshot();
  // The healthy pair runs in a process of its own and starts counting after a first round trip.
  const good = await GoodPairProcess.start(port, options.host);
  const peersUp = pair === null ? 2 : 4;
  if (hub !== null) await until(() => hub.peerEntries().length === peersUp, 'peers up');
  if (node !== null) {
    const deadline = Date.now() + 15_000;
    while ((await node.peers()) < peersUp) {
      if (Date.now() > deadline) throw new Error('timed out after 15000 ms waiting for peers up at the node');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  gc?.();
  const rssBaseline = process.memoryUsage().rss;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();

  const started = Date.now();
  let failures = 0;
  let maxDecoder = 0;
  const report = (label: string, good: PairStats): void => {
    const memory = process.memoryUsage();
    const hubPart =
      hub === null
        ? ''
        : (() => {
            const s = hub.snapshot();
            maxDecoder = Math.max(maxDecoder, hub.maxDecoderBytes());
            return ` peers=${s.peers} decoder=${mb(s.decoderBytes)}MB pending=${mb(s.pendingBytes)}MB`;
          })();
    console.log(
      `${label} t=${((Date.now() - started) / 1000).toFixed(0)}s rss=${mb(memory.rss)}MB heap=${mb(memory.heapUsed)}MB` +
        ` buffers=${mb(memory.arrayBuffers)}MB loopDelay p99=${(delay.percentile(99) / 1e6).toFixed(1)}ms` +
        ` max=${(delay.max / 1e6).toFixed(1)}ms${hubPart} good sent=${good.sent}` +
        ` in-flight=${good.missing} pair delay p99=${good.p99Ms.toFixed(2)}ms`,
    );
    delay.reset();
  };
  const ticker = setInterval(() => {
    good.stats().then(
      (stats) => report('      ', stats),
      () => undefined,
    );
  }, options.intervalMs);
  const sampler = setInterval(() => {
    if (hub !== null) maxDecoder = Math.max(maxDecoder, hub.maxDecoderBytes());
  }, 5);
  // RSS once a second, for its maximum and its slope over the last 5 minutes.
  const rssSamples: Array<[number, number]> = [];
  const rssSampler = setInterval(() => {
    rssSamples.push([(Date.now() - started) / 1000, process.memoryUsage().rss]);
  }, 1000);
  // The node process's RSS (from its status) every 5 s: the figure the soak is about.
  const nodeRssSamples: Array<[number, number]> = [];
  const nodeRssSampler = setInterval(() => {
    void node?.status().then((status) => {
      if (status !== undefined) nodeRssSamples.push([(Date.now() - started) / 1000, status.process.rssBytes]);
    });
  }, 5000);

  const rng = new SeededRandom(options.seed);
  const payloads = buildPayloads(rng, options.scale);
  let round = 0;
  try {
    while (Date.now() - started < options.durationMs) {
      round++;
      const [, memory] = await Promise.all([
        attackRound(port, options.host, rng, options.scale, payloads),
        pair === null ? null : memoryRound(port, options.host, options.scale, hub, node, pair),
        node?.pipelineControl(Math.round(20_000 * options.scale)),
      ]);
      for (const problem of memory?.problems ?? []) {
        failures++;
        console.log(`round ${round}: ${problem}`);
      }
      await manyAddresses(port, options.host, round, Math.max(1, Math.round(500 * options.scale)));
      if (hub !== null) await listAllPeerPages(hub);
      // Every good packet sent so far must arrive; nothing may be duplicated or corrupted.
      const checked = await good.check();
      if (checked.error !== undefined) {
        failures++;
        console.log(`round ${round}: ${checked.error}`);
      }
      const g = checked.stats;
      const ok =
        g.corrupt + g.echoed + g.duplicates === 0 &&
        !g.unexpectedClose &&
        (hub === null || (hub.running && hub.handlerErrors.length === 0 && maxDecoder <= DECODER_BOUND));
      if (!ok) failures++;
      report(`round ${round}${ok ? '' : ' FAILED'}`, g);
      if (memory !== null) {
        console.log(
          `       memory attacks: steady reader got ${memory.readerBigPackets} big packets` +
            (hub === null
              ? ''
              : `, ${memory.admitted} attacker connections admitted and cut, receive budget evictions` +
                ` ${hub.buffers.receive.evictions}, send budget refusals ${hub.buffers.send.refusals}`),
        );
      }
      if (node !== null) {
        const status = await node.status();
        if (status === undefined) failures++;
        console.log(`       ${status === undefined ? 'node did NOT answer status' : node.describe(status)}`);
        const listed = await node.listPeers();
        if (listed === undefined) failures++;
        const drops = await node.peerDrops(good.ports);
        console.log(
          `       node peer tables: ${listed ?? 'NOT listed'} IPs; drops for the good pair` +
            ` (ports ${good.ports.join(', ')}): ${JSON.stringify(drops)}`,
        );
      }
      if (g.unexpectedClose) break;
    }
  } finally {
    clearInterval(ticker);
    clearInterval(sampler);
    clearInterval(rssSampler);
    clearInterval(nodeRssSampler);
  }
  const final = await good.stop();
  if (final.error !== undefined) {
    failures++;
    console.log(`final delivery: ${final.error}`);
  }
  const lost = final.stats.missing;
  if (lost > 0) failures++;
  console.log(
    `good pair: ${final.stats.sent} frames sent, ${lost} lost, ${final.stats.duplicates} duplicated; delivery delay` +
      ` p50/p99/max A->B ${final.stats.delays.aToB}, B->A ${final.stats.delays.bToA}`,
  );
  if (node !== null) console.log(`node rss ${rssSummary(nodeRssSamples)}`);
  console.log(
    `rss ${rssSummary(rssSamples)}` +
      (hub !== null
        ? ' (hub and attackers in this process)'
        : ' (this process: the attackers, not the node)'),
  );

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
  await pair?.reader.close();
  pair?.sender.destroy();
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
