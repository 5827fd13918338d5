/**
 * Announce benchmarks of a transport hub (announce-set.ts makes the announces):
 *
 * - {@link runAnnounceRate}: unique valid announces at a fixed rate from one peer; how many the
 *   hub validated and rebroadcast to all 9 other peers, how late, and its event-loop delay;
 * - {@link runAnnounceFlood}: several peers sending announces as fast as the hub reads them,
 *   while one established link carries a packet every few ms: the hub's validation rate, what it
 *   dropped, its event-loop delay and the link packets' latency (announce validation must not
 *   hold up forwarding);
 * - {@link runPathTable}: many announces (16-byte app data), paced to what the hub verifies;
 *   its RSS growth per path-table entry.
 *
 * A receiving peer counts an announce when the hub passes it on: a transport hub rebroadcasts it
 * as HEADER_2, a flood relay relays it as it came.
 */
import { PacketType } from '../../src/protocol/packet-constants';
import { TransportCounters } from '../../src/transport/transport-counters';
import type { LoopProbeSample } from '../soak/event-loop-probe';
import { readCpuSeconds, readRssKb } from '../socket/proc-stats';
import { AnnounceSet, announceDestination, framePackets } from './announce-set';
import { BenchPeer, connectPeers } from './bench-peer';
import { buildTransportTrace } from './trace';
import { traceTransportId } from './forwarding';
import { HubMemory, TransportBenchHub } from './transport-hubs';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Event-loop delay of the hub over a window, from its probe's per-interval samples. */
export interface LoopWindow {
  /** The worst interval's p99, ms. */
  readonly p99Ms: number;
  /** The median of the intervals' p99, ms. */
  readonly medianP99Ms: number;
  /** The largest delay seen, ms. */
  readonly maxMs: number;
  /** The longest stretch between two probe ticks in process CPU time, ms (NaN if not probed). */
  readonly maxCpuMs: number;
  /** Intervals in the window. */
  readonly intervals: number;
}

/** The probe's intervals that ended within [startMs, endMs + one interval]. */
export function loopWindow(
  samples: readonly LoopProbeSample[],
  startMs: number,
  endMs: number,
): LoopWindow | null {
  const inside = samples.filter((s) => s.t > startMs && s.t <= endMs + 1000);
  if (inside.length === 0) return null;
  const p99s = inside.map((s) => s.p99Ms).sort((a, b) => a - b);
  return {
    p99Ms: p99s[p99s.length - 1],
    medianP99Ms: p99s[p99s.length >> 1],
    maxMs: Math.max(...inside.map((s) => s.maxMs)),
    maxCpuMs: Math.max(...inside.map((s) => s.maxCpuMs ?? NaN)),
    intervals: inside.length,
  };
}

/** The transport engine's counters, or null (flood relay, rnsd). */
async function counters(hub: TransportBenchHub): Promise<TransportCounters | null> {
  const status = await hub.status();
  return status?.transport?.counters ?? null;
}

/** Counter differences `after - before` for the announce counters the reports show. */
export interface AnnounceCounts {
  readonly received: number;
  readonly verified: number;
  readonly held: number;
  readonly holdDropped: number;
  readonly verifyDropped: number;
  readonly announceTableFull: number;
  readonly capped: number;
  readonly capDropped: number;
  readonly rateBlocked: number;
  readonly rebroadcasts: number;
}

function countsBetween(
  before: TransportCounters | null,
  after: TransportCounters | null,
): AnnounceCounts | null {
  if (before === null || after === null) return null;
  const d = (k: keyof TransportCounters): number => after[k] - before[k];
  return {
    received: d('announcesReceived'),
    verified: d('announcesVerified'),
    held: d('announcesHeld'),
    holdDropped: d('announcesHoldDropped'),
    verifyDropped: d('announcesVerifyDropped'),
    announceTableFull: d('announceTableFull'),
    capped: d('announcesCapped'),
    capDropped: d('announcesCapDropped'),
    rateBlocked: d('announcesRateBlocked'),
    rebroadcasts: d('rebroadcasts'),
  };
}

/**
 * Counts, per receiving peer, the first time each announce of the set (indices below `limit`)
 * comes through, and when an announce has reached all of them.
 */
class ReachTracker {
  /** Announces that reached every receiver. */
  complete = 0;
  /** Time (ms, performance.now) the last announce completed. */
  lastCompleteAt = 0;
  /** Distinct announces seen by the first receiver. */
  firstReceiverSeen = 0;
  readonly latenciesMs: number[] = [];
  private readonly seen: Uint8Array;
  private readonly reach: Uint8Array;

  constructor(
    private readonly set: AnnounceSet,
    private readonly limit: number,
    private readonly receivers: number,
    private readonly sentAt: Float64Array,
  ) {
    this.seen = new Uint8Array(limit * receivers);
    this.reach = new Uint8Array(limit);
  }

  attach(peer: BenchPeer, receiver: number): void {
    peer.onPacket = (packet) => {
      const destination = announceDestination(packet);
      if (destination === null) return;
      const index = this.set.indexOf.get(destination);
      if (index === undefined || index >= this.limit) return;
      const slot = index * this.receivers + receiver;
      if (this.seen[slot] !== 0) return;
      this.seen[slot] = 1;
      if (receiver === 0) this.firstReceiverSeen++;
      if (++this.reach[index] === this.receivers) {
        const now = performance.now();
        this.complete++;
        this.lastCompleteAt = now;
        this.latenciesMs.push(now - this.sentAt[index]);
      }
    };
  }
}

function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** What {@link runAnnounceRate} measured. */
export interface AnnounceRateOutcome {
  readonly offeredPerSec: number;
  readonly sent: number;
  readonly sendSecs: number;
  /** Announces rebroadcast to every receiver. */
  readonly complete: number;
  /** `complete / sendSecs` when everything arrived, else `complete` over the time to the last one. */
  readonly completePerSec: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly counts: AnnounceCounts | null;
  readonly loop: LoopWindow | null;
  readonly hubCpuPct: number;
  /** Announces rebroadcast to all receivers per second of the hub's CPU time. */
  readonly completePerCpuSecond: number;
}

/** Options of {@link runAnnounceRate}. */
export interface AnnounceRateOptions {
  /** Announces per second offered. */
  readonly rate: number;
  /** Sending time, ms. */
  readonly durationMs: number;
  /** Peers receiving the rebroadcasts (default 9). */
  readonly receivers?: number;
}

/** Announces at a fixed rate from one peer, rebroadcast to `receivers` others (module comment). */
export async function runAnnounceRate(
  hub: TransportBenchHub,
  set: AnnounceSet,
  options: AnnounceRateOptions,
): Promise<AnnounceRateOutcome> {
  const receivers = options.receivers ?? 9;
  const count = Math.min(set.packets.length, Math.round((options.rate * options.durationMs) / 1000));
  const peers = await connectPeers(hub.port, 1 + receivers);
  const [sender, ...rx] = peers;
  const sentAt = new Float64Array(count);
  const tracker = new ReachTracker(set, count, receivers, sentAt);
  rx.forEach((peer, i) => tracker.attach(peer, i));
  try {
    await delay(500);
    const before = await counters(hub);
    const cpu0 = readCpuSeconds(hub.pid);
    const wallStart = Date.now();
    const t0 = performance.now();
    let sent = 0;
    // Every 5 ms, everything due so far, as one write.
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - t0) * options.rate) / 1000) + 1);
      if (due > sent) {
        const now = performance.now();
        for (let i = sent; i < due; i++) sentAt[i] = now;
        sender.sendFramed(framePackets(set.packets, sent, due));
        sent = due;
      }
      await delay(5);
    }
    const sendSecs = (performance.now() - t0) / 1000;
    // Rebroadcasts leave within about 1.5 s (Python's 0.5 s window and 1 s announce checks).
    const drainEnd = Date.now() + 20_000;
    let last = -1;
    let lastProgress = Date.now();
    while (tracker.complete < count && Date.now() < drainEnd && Date.now() - lastProgress < 4000) {
      await delay(100);
      if (tracker.complete !== last) {
        last = tracker.complete;
        lastProgress = Date.now();
      }
    }
    const cpu1 = readCpuSeconds(hub.pid);
    const wallEnd = Date.now();
    const after = await counters(hub);
    const spanSecs = Math.max(sendSecs, (tracker.lastCompleteAt - t0) / 1000);
    return {
      offeredPerSec: options.rate,
      sent,
      sendSecs,
      complete: tracker.complete,
      completePerSec: tracker.complete === count ? count / sendSecs : tracker.complete / spanSecs,
      latencyP50Ms: percentileOf(tracker.latenciesMs, 50),
      latencyP99Ms: percentileOf(tracker.latenciesMs, 99),
      counts: countsBetween(before, after),
      loop: loopWindow(hub.loopSamples(), wallStart, wallEnd),
      hubCpuPct: (100 * (cpu1 - cpu0)) / ((wallEnd - wallStart) / 1000),
      completePerCpuSecond: tracker.complete / (cpu1 - cpu0),
    };
  } finally {
    for (const p of peers) p.close();
  }
}

/** What {@link runAnnounceFlood} measured. */
export interface AnnounceFloodOutcome {
  readonly sent: number;
  readonly sendSecs: number;
  /** Distinct announces the observing peer got from the hub. */
  readonly passedOn: number;
  /** `passedOn` per second, first send to last arrival. */
  readonly passedOnPerSec: number;
  /** Our node: signatures verified per second over the same span. */
  readonly verifiedPerSec: number;
  readonly counts: AnnounceCounts | null;
  readonly loop: LoopWindow | null;
  /** Link packets sent during the flood, and delivered. */
  readonly linkSent: number;
  readonly linkDelivered: number;
  readonly linkP50Ms: number;
  readonly linkP99Ms: number;
  readonly linkMaxMs: number;
  readonly hubCpuPct: number;
  /** Our node: signatures verified per second of the hub's CPU time. */
  readonly verifiedPerCpuSecond: number;
}

/** Options of {@link runAnnounceFlood}. */
export interface AnnounceFloodOptions {
  /** Peers sending announces (default 4); the set is split among them. */
  readonly senders?: number;
  /** Announces to send at most (default: the whole set). */
  readonly count?: number;
  /** Sending time at most, ms. */
  readonly maxSendMs: number;
  /** Link packets per second during the flood (default 200). */
  readonly linkRate?: number;
}

/**
 * An announce flood from several peers at once with a live link beside it (module comment). The
 * link is set up first with a one-pair transport trace; its packets carry their send time.
 */
export async function runAnnounceFlood(
  hub: TransportBenchHub,
  set: AnnounceSet,
  options: AnnounceFloodOptions,
): Promise<AnnounceFloodOutcome> {
  const senderCount = options.senders ?? 4;
  const count = Math.min(set.packets.length, options.count ?? set.packets.length);
  const trace = buildTransportTrace({ transportId: await traceTransportId(hub), pairs: 1, settleMs: 1500 });
  const [initiator, responder, ...senders] = await connectPeers(hub.port, 2 + senderCount);
  const peers = [initiator, responder, ...senders];
  const header = trace.linkHeaders[0];
  const linkLatencies: number[] = [];
  let passedOn = 0;
  let lastPassedAt = 0;
  const seen = new Uint8Array(count);
  responder.onPacket = (packet) => {
    if (packet.length >= 27 && packet.subarray(2, 18).equals(header.subarray(2, 18))) {
      if ((packet[0] & 0x03) === PacketType.DATA) {
        linkLatencies.push(performance.now() - packet.readDoubleBE(19));
      }
      return;
    }
    const destination = announceDestination(packet);
    if (destination === null) return;
    const index = set.indexOf.get(destination);
    if (index === undefined || index >= count || seen[index] !== 0) return;
    seen[index] = 1;
    passedOn++;
    lastPassedAt = performance.now();
  };
  let linkSent = 0;
  const linkPacket = (): Buffer => {
    const packet = Buffer.alloc(19 + 8 + 64);
    header.copy(packet, 0);
    packet.writeDoubleBE(performance.now(), 19);
    // A sequence number keeps each packet hash distinct.
    packet.writeUInt32BE(linkSent, 27);
    return packet;
  };
  try {
    for (const step of trace.steps) {
      if (step.kind === 'setup') (step.peer === 0 ? initiator : responder).send(step.packet);
      await delay(step.delayMs);
    }
    // The link works before the flood starts (bounded).
    const linkDeadline = Date.now() + 10_000;
    while (linkLatencies.length === 0 && Date.now() < linkDeadline) {
      initiator.send(linkPacket());
      linkSent++;
      await delay(100);
    }
    if (linkLatencies.length === 0) throw new Error(`bench: no link through the ${hub.kind} hub`);
    linkLatencies.length = 0;
    linkSent = 0;
    const before = await counters(hub);
    const cpu0 = readCpuSeconds(hub.pid);
    const wallStart = Date.now();
    const t0 = performance.now();
    const linkTimer = setInterval(
      () => {
        initiator.send(linkPacket());
        linkSent++;
      },
      1000 / (options.linkRate ?? 200),
    );
    const share = Math.ceil(count / senderCount);
    const deadline = t0 + options.maxSendMs;
    let sent = 0;
    await Promise.all(
      senders.map(async (peer, s) => {
        const end = Math.min(count, (s + 1) * share);
        for (let at = s * share; at < end && performance.now() < deadline && !peer.closed;) {
          const next = Math.min(end, at + 128);
          peer.sendFramed(framePackets(set.packets, at, next));
          sent += next - at;
          at = next;
          await peer.drained();
        }
      }),
    );
    const sendSecs = (performance.now() - t0) / 1000;
    // Until the hub has passed on what it will (quiet for 3 s), bounded.
    const drainEnd = Date.now() + 30_000;
    let last = -1;
    let lastProgress = Date.now();
    while (passedOn < sent && Date.now() < drainEnd && Date.now() - lastProgress < 3000) {
      await delay(100);
      if (passedOn !== last) {
        last = passedOn;
        lastProgress = Date.now();
      }
    }
    // The link keeps carrying packets for at least 3 s of the flood, then the last ones arrive.
    while (performance.now() - t0 < 3000) await delay(100);
    clearInterval(linkTimer);
    const linkEnd = Date.now() + 3000;
    while (linkLatencies.length < linkSent && Date.now() < linkEnd) await delay(50);
    const cpu1 = readCpuSeconds(hub.pid);
    const wallEnd = Date.now();
    const after = await counters(hub);
    const counts = countsBetween(before, after);
    const spanSecs = (Math.max(lastPassedAt, t0) - t0) / 1000 || sendSecs;
    return {
      sent,
      sendSecs,
      passedOn,
      passedOnPerSec: passedOn / spanSecs,
      verifiedPerSec: counts === null ? NaN : counts.verified / spanSecs,
      counts,
      loop: loopWindow(hub.loopSamples(), wallStart, wallEnd),
      linkSent,
      linkDelivered: linkLatencies.length,
      linkP50Ms: percentileOf(linkLatencies, 50),
      linkP99Ms: percentileOf(linkLatencies, 99),
      linkMaxMs: linkLatencies.length > 0 ? Math.max(...linkLatencies) : NaN,
      hubCpuPct: (100 * (cpu1 - cpu0)) / ((wallEnd - wallStart) / 1000),
      verifiedPerCpuSecond: counts === null ? NaN : counts.verified / (cpu1 - cpu0),
    };
  } finally {
    for (const p of peers) p.close();
  }
}

/** What {@link runPathTable} measured. */
export interface PathTableOutcome {
  /** Announces sent after the warm-up. */
  readonly sent: number;
  /** Path table entries added after the warm-up (our node), or announces passed on (other hubs). */
  readonly entries: number;
  /** Whether `entries` comes from the hub's own path table size. */
  readonly entriesFromStatus: boolean;
  readonly sendSecs: number;
  /** Memory after the warm-up and after the measured announces (settled). */
  readonly before: HubMemory;
  readonly after: HubMemory;
  readonly rssPeakKb: number;
  readonly counts: AnnounceCounts | null;
  /** The send budget ran out before every announce was sent. */
  readonly timedOut: boolean;
}

/** Options of {@link runPathTable}. */
export interface PathTableOptions {
  /** Announces of the set sent first, before the baseline (default 5,000). */
  readonly warmup?: number;
  /** Peers sending (default 4; our node lets one interface hold at most half the path table). */
  readonly senders?: number;
  /** Sending time at most, ms (a slow hub records fewer entries). */
  readonly maxSendMs: number;
  /**
   * Hubs without a status (rnsd, flood relay) count as settled once nothing was passed on for this
   * long (default 8 s: the retries leave 5.5 s after the first rebroadcast).
   */
  readonly quietMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Announces the hub has taken in and no longer queues for verification (our node). */
function processedByEngine(status: Awaited<ReturnType<TransportBenchHub['status']>>): number {
  const transport = status?.transport;
  if (transport === undefined) return 0;
  return transport.counters.announcesReceived - transport.tables.verifying;
}

/**
 * The set's announces from several peers, paced so the hub never drops one: our node by its
 * status (at most 512 per peer received but not verified yet, below its queue's per-interface
 * share), other hubs by what an observing peer got back (at most 4,096 outstanding).
 *
 * Memory: a warm-up batch first (the hub's heap and buffers grow to their working size under
 * this load), the baseline once it has settled, then the rest of the set, and the memory again
 * once the hub is done (nothing left to verify or rebroadcast). On our node both readings follow
 * a full garbage collection (`memoryProbe`).
 */
export async function runPathTable(
  hub: TransportBenchHub,
  set: AnnounceSet,
  options: PathTableOptions,
): Promise<PathTableOutcome> {
  const senderCount = options.senders ?? 4;
  const count = set.packets.length;
  const warmup = Math.min(count, options.warmup ?? 5000);
  const [observer, ...senders] = await connectPeers(hub.port, 1 + senderCount);
  const peers = [observer, ...senders];
  const seen = new Uint8Array(count);
  let passedOn = 0;
  let lastPassedAt = Date.now();
  observer.onPacket = (packet) => {
    const destination = announceDestination(packet);
    const index = destination === null ? undefined : set.indexOf.get(destination);
    if (index === undefined || seen[index] !== 0) return;
    seen[index] = 1;
    passedOn++;
    lastPassedAt = Date.now();
  };
  const ours = (await hub.status())?.transport !== undefined;
  const receivedSoFar = async (): Promise<number> =>
    ours ? processedByEngine(await hub.status()) : passedOn;

  /** Sends announces `from`..`to` split among the senders, paced; returns how many went. */
  const sendPaced = async (from: number, to: number, deadline: number): Promise<number> => {
    const base = await receivedSoFar();
    const window = ours ? 512 * senderCount : 4096;
    const share = Math.ceil((to - from) / senderCount);
    const cursors = senders.map((_, s) => from + s * share);
    let sent = 0;
    let nextLog = 20_000;
    while (sent < to - from && performance.now() < deadline) {
      let room = window - (sent - ((await receivedSoFar()) - base));
      for (let s = 0; s < senderCount && room > 0; s++) {
        const end = Math.min(to, from + (s + 1) * share);
        const take = Math.min(end - cursors[s], Math.ceil(room / (senderCount - s)), 256);
        if (take <= 0) continue;
        senders[s].sendFramed(framePackets(set.packets, cursors[s], cursors[s] + take));
        cursors[s] += take;
        sent += take;
        room -= take;
      }
      if (sent >= nextLog) {
        options.log?.(`  ${hub.kind}: ${sent} announces sent ...`);
        nextLog += 20_000;
      }
      await delay(ours ? 50 : 20);
    }
    return sent;
  };

  /**
   * Until the hub is done: nothing left to verify and no rebroadcast pending or held back by the
   * announce cap (our node: queued rebroadcasts are not the path table's memory), or
   * nothing passed on for `quietMs`; bounded.
   */
  const settle = async (): Promise<void> => {
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      await delay(500);
      if (ours) {
        const tables = (await hub.status())?.transport?.tables;
        if (tables !== undefined && tables.verifying === 0 && tables.announces === 0 && tables.capped === 0)
          break;
      } else if (Date.now() - lastPassedAt > (options.quietMs ?? 8000)) {
        break;
      }
    }
    await delay(1000);
  };

  try {
    await delay(500);
    await sendPaced(0, warmup, performance.now() + options.maxSendMs);
    await settle();
    const pathsBefore = (await hub.status())?.transport?.tables.paths ?? 0;
    const passedBefore = passedOn;
    const before = await hub.memory();
    const countersBefore = await counters(hub);
    let rssPeakKb = before.rssKb;
    const rssTimer = setInterval(() => (rssPeakKb = Math.max(rssPeakKb, readRssKb(hub.pid))), 250);
    try {
      const t0 = performance.now();
      const sent = await sendPaced(warmup, count, t0 + options.maxSendMs);
      const sendSecs = (performance.now() - t0) / 1000;
      await settle();
      const status = await hub.status();
      const after = await hub.memory();
      return {
        sent,
        entries:
          (status?.transport?.tables.paths ?? passedOn) - (status?.transport ? pathsBefore : passedBefore),
        entriesFromStatus: status?.transport !== undefined,
        sendSecs,
        before,
        after,
        rssPeakKb: Math.max(rssPeakKb, after.rssKb),
        counts: countsBetween(countersBefore, status?.transport?.counters ?? null),
        timedOut: sent < count - warmup,
      };
    } finally {
      clearInterval(rssTimer);
    }
  } finally {
    for (const p of peers) p.close();
  }
}
