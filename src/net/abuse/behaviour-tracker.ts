import { Clock } from '../../core/clock';
import { RecencyMap } from '../../core/recency-map';
import { AddressExemptions } from './address-exemptions';
import { AbuseSettings } from './abuse-settings';
import { EventWindow } from './event-window';
import { Penalty, PenaltyReason, capDurationMs, penaltyDurationMs } from './penalty';

/** How a connection ended, as far as behaviour detection cares. */
export type DisconnectCause =
  'remote_closed' | 'idle_timeout' | 'write_stall' | 'partial_frame_timeout' | 'local';

/**
 * How many entries one eviction looks at for a quiet one before it takes the least recently
 * active of all; the hand moves on, so the next eviction looks at others.
 */
const EVICTION_SCAN_LIMIT = 16;

/**
 * Evictions per new entry: one makes room for it, the other works off an excess left by a
 * lowered cap, so the table shrinks to a lowered cap as new IPs arrive (and sweeps do the rest).
 */
const EVICTIONS_PER_INSERT = 2;

/** What the server reports when a connection ends. */
export interface DisconnectRecord {
  /** How long the connection lasted. */
  readonly connectedForMs: number;
  /** Whether the peer sent any byte. */
  readonly hadReceivedData: boolean;
  /** Who or what ended it; `local` closes never count against the peer. */
  readonly cause: DisconnectCause;
}

/** An IP's behaviour as peer state shows it. */
export interface BehaviourSnapshot {
  /** The IP's penalty level after decay. */
  readonly penaltyLevel: number;
  /** Events inside each detector's window, by window name. */
  readonly windowCounts: Readonly<Record<string, number>>;
}

/** What the tracker needs to know from the server about an IP. */
export interface BehaviourTrackerOptions {
  /** Time source (the server's clock). */
  readonly clock: Clock;
  /** The live settings; read on every call. */
  readonly settings: AbuseSettings;
  /**
   * The live `max_penalty_duration` in ms (0 = no cap). A function, not a copy: the server
   * runtime owns this setting because it also caps operator blacklists.
   */
  readonly maxPenaltyDurationMs: () => number;
  /** True when the IP has no live connection and no blacklist: it may decay or be evicted. */
  readonly isQuiet: (ip: string) => boolean;
}

/** Per-IP record. */
interface IpBehaviour {
  level: number;
  /** Quiet time for decay counts from here (end of last connection or blacklist). */
  decayAnchor: number;
  readonly idleTimeouts: EventWindow;
  readonly writeStalls: EventWindow;
  readonly silentFlaps: EventWindow;
  readonly connects: EventWindow;
  readonly partialFrameTimeouts: EventWindow;
  /** Python-style fast-flap counter and the time of the last fast flap. */
  fastFlaps: number;
  lastFastFlap: number;
}

/**
 * The behaviour-based defence of a stream server: per-IP sliding windows of idle timeouts,
 * write stalls, silent flaps, unfinished-frame timeouts and connection attempts; a detector fires
 * when its count within its window reaches its threshold, raising the IP's penalty level and
 * deciding a blacklist of `blacklist_duration x 2^(level-1)` (capped). A connection refused at
 * the per-IP cap is penalised at once. Python's fast-flap blocking runs beside them.
 *
 * The tracker only decides: the server applies a returned {@link Penalty} (blacklist, disconnect
 * live connections, event, log). Exempt addresses are never tracked. Memory is bounded: windows
 * keep at most `threshold` times, empty records are pruned by {@link sweep}, and the table is
 * capped at `maxTrackedIps`: a new IP evicts the least recently active quiet entry (no live
 * connection, no blacklist) among the oldest few, else the least recently active of all, in
 * O(1) amortised time.
 */
export class BehaviourTracker {
  /** In recency order: an IP moves to the recent end whenever it is active. */
  private readonly ips = new RecencyMap<string, IpBehaviour>();
  private exemptions: AddressExemptions;
  private exemptionSource: readonly string[];
  private readonly clock: Clock;

  constructor(private readonly options: BehaviourTrackerOptions) {
    this.clock = options.clock;
    this.exemptionSource = options.settings.penaltyExempt;
    this.exemptions = new AddressExemptions(this.exemptionSource);
  }

  /** Tracked IPs. */
  get size(): number {
    return this.ips.size;
  }

  /** Whether automatic penalties skip this IP (`penalty_exempt`). */
  isExempt(ip: string): boolean {
    const source = this.options.settings.penaltyExempt;
    if (source !== this.exemptionSource) {
      // The list was replaced at runtime (it is validated where it is set).
      this.exemptions = new AddressExemptions(source);
      this.exemptionSource = source;
    }
    return this.exemptions.covers(ip);
  }

  /**
   * Records a connection attempt at admission (after the blacklist check, before
   * max_connections). A returned penalty means: refuse this connection and blacklist the IP.
   */
  recordConnectAttempt(ip: string): Penalty | undefined {
    if (this.isExempt(ip)) return undefined;
    const s = this.options.settings;
    if (!this.detectorOn(s.connectRateThreshold, s.connectRateWindowMs)) return undefined;
    const now = this.clock.now();
    const state = this.touch(ip, now);
    const count = state.connects.record(now, s.connectRateWindowMs, s.connectRateThreshold);
    return count >= s.connectRateThreshold
      ? this.penalise(ip, state, now, 'connection rate exceeded')
      : undefined;
  }

  /**
   * Records a connection refused because its IP already holds `max_connections_per_ip`
   * connections. One refusal is penalised (when penalties are on, `blacklist_duration` > 0):
   * no well-behaved peer needs that many connections from one address, so the IP is filling the
   * server's slots, and the penalty also closes the ones it holds.
   */
  recordCapRefusal(ip: string): Penalty | undefined {
    if (this.isExempt(ip) || this.options.settings.blacklistDurationMs <= 0) return undefined;
    const now = this.clock.now();
    return this.penalise(ip, this.touch(ip, now), now, 'connections per IP exceeded');
  }

  /** Records the end of a connection; may decide a penalty. */
  recordDisconnect(ip: string, record: DisconnectRecord): Penalty | undefined {
    if (this.isExempt(ip) || record.cause === 'local') return undefined;
    const s = this.options.settings;
    const now = this.clock.now();
    const tracked = this.ips.get(ip);
    const state = tracked ?? this.touchIfRelevant(ip, record, now);
    if (state === undefined) return undefined;
    if (tracked !== undefined) this.touch(ip, now);
    state.decayAnchor = Math.max(state.decayAnchor, now);

    if (record.cause === 'idle_timeout' && this.detectorOn(s.idleTimeoutThreshold, s.idleTimeoutWindowMs)) {
      const count = state.idleTimeouts.record(now, s.idleTimeoutWindowMs, s.idleTimeoutThreshold);
      if (count >= s.idleTimeoutThreshold) return this.penalise(ip, state, now, 'repeated idle timeouts');
    }
    if (record.cause === 'write_stall' && this.detectorOn(s.writeStallThreshold, s.writeStallWindowMs)) {
      const count = state.writeStalls.record(now, s.writeStallWindowMs, s.writeStallThreshold);
      if (count >= s.writeStallThreshold) return this.penalise(ip, state, now, 'repeated write stalls');
    }
    if (
      record.cause === 'partial_frame_timeout' &&
      this.detectorOn(s.partialFrameThreshold, s.partialFrameWindowMs)
    ) {
      const count = state.partialFrameTimeouts.record(now, s.partialFrameWindowMs, s.partialFrameThreshold);
      if (count >= s.partialFrameThreshold) {
        return this.penalise(ip, state, now, 'repeated partial frame timeouts');
      }
    }
    if (this.isSilentFlap(record) && this.detectorOn(s.flapThreshold, s.flapWindowMs)) {
      const count = state.silentFlaps.record(now, s.flapWindowMs, s.flapThreshold);
      if (count >= s.flapThreshold) return this.penalise(ip, state, now, 'rapid silent reconnect churn');
    }
    if (this.isFastFlap(record)) {
      // Python: an entry expires when its last flap is older than the block time.
      if (state.fastFlaps > 0 && now - state.lastFastFlap > s.fastFlappingBlockTimeMs) state.fastFlaps = 0;
      state.fastFlaps += 1;
      state.lastFastFlap = now;
      if (state.fastFlaps > s.fastFlappingGrace) return this.penalise(ip, state, now, 'fast flapping');
    }
    return undefined;
  }

  /** The IP's penalty level and window counts, or undefined when it is not tracked. */
  snapshot(ip: string): BehaviourSnapshot | undefined {
    const state = this.ips.get(ip);
    if (state === undefined) return undefined;
    const now = this.clock.now();
    this.decay(ip, state, now);
    this.pruneWindows(state, now);
    return {
      penaltyLevel: state.level,
      windowCounts: {
        idle_timeouts: state.idleTimeouts.count,
        write_stalls: state.writeStalls.count,
        silent_flaps: state.silentFlaps.count,
        connects: state.connects.count,
        partial_frame_timeouts: state.partialFrameTimeouts.count,
        fast_flaps: state.fastFlaps,
      },
    };
  }

  /** Every tracked IP, least recently active first (a live view: copy it to keep it). */
  trackedIps(): IterableIterator<string> {
    return this.ips.keys();
  }

  /** Forgets an IP (an operator cleared it). Returns whether it was tracked. */
  forget(ip: string): boolean {
    return this.ips.delete(ip);
  }

  /**
   * Applies decay, drops records that hold nothing, and evicts down to the table cap (which an
   * operator may have lowered): `budget` entries at a time, continuing where the previous call
   * stopped, so the server can spread a pass over many turns of the event loop.
   *
   * @returns true when this call finished a pass.
   */
  sweep(budget = Number.POSITIVE_INFINITY): boolean {
    const trimmed = this.trim(budget);
    const now = this.clock.now();
    const s = this.options.settings;
    const swept = this.ips.sweep(budget, (ip, state) => {
      this.decay(ip, state, now);
      this.pruneWindows(state, now);
      if (state.fastFlaps > 0 && now - state.lastFastFlap > s.fastFlappingBlockTimeMs) state.fastFlaps = 0;
      const empty =
        state.level === 0 &&
        state.fastFlaps === 0 &&
        state.idleTimeouts.count === 0 &&
        state.writeStalls.count === 0 &&
        state.silentFlaps.count === 0 &&
        state.connects.count === 0 &&
        state.partialFrameTimeouts.count === 0;
      return empty && this.options.isQuiet(ip);
    });
    return swept && trimmed;
  }

  private detectorOn(threshold: number, windowMs: number): boolean {
    return threshold > 0 && windowMs > 0 && this.options.settings.blacklistDurationMs > 0;
  }

  private isSilentFlap(record: DisconnectRecord): boolean {
    return (
      record.cause === 'remote_closed' &&
      !record.hadReceivedData &&
      record.connectedForMs <= this.options.settings.flapMaxConnectionAgeMs
    );
  }

  /** Python counts any teardown of a spawned peer younger than the threshold; we count peer closes. */
  private isFastFlap(record: DisconnectRecord): boolean {
    const s = this.options.settings;
    return (
      s.blockFastFlapping &&
      record.cause === 'remote_closed' &&
      record.connectedForMs < s.fastFlappingThresholdMs
    );
  }

  /** Creates a record for a disconnect only if some detector would count it. */
  private touchIfRelevant(ip: string, record: DisconnectRecord, now: number): IpBehaviour | undefined {
    const s = this.options.settings;
    const relevant =
      (record.cause === 'idle_timeout' && this.detectorOn(s.idleTimeoutThreshold, s.idleTimeoutWindowMs)) ||
      (record.cause === 'write_stall' && this.detectorOn(s.writeStallThreshold, s.writeStallWindowMs)) ||
      (record.cause === 'partial_frame_timeout' &&
        this.detectorOn(s.partialFrameThreshold, s.partialFrameWindowMs)) ||
      (this.isSilentFlap(record) && this.detectorOn(s.flapThreshold, s.flapWindowMs)) ||
      this.isFastFlap(record);
    return relevant ? this.touch(ip, now) : undefined;
  }

  /** Gets or creates the IP's record and marks it most recently active. */
  private touch(ip: string, now: number): IpBehaviour {
    let state = this.ips.get(ip);
    if (state !== undefined) {
      this.decay(ip, state, now);
    } else {
      this.trim(EVICTIONS_PER_INSERT, 1);
      state = {
        level: 0,
        decayAnchor: now,
        idleTimeouts: new EventWindow(),
        writeStalls: new EventWindow(),
        silentFlaps: new EventWindow(),
        connects: new EventWindow(),
        partialFrameTimeouts: new EventWindow(),
        fastFlaps: 0,
        lastFastFlap: 0,
      };
    }
    this.ips.touch(ip, state);
    return state;
  }

  /**
   * Evicts (at most `budget` entries) until `room` more fit under the cap: a quiet IP among the
   * least recently active, else the least recently active of all. Returns false while there is
   * more to evict.
   */
  private trim(budget: number, room = 0): boolean {
    const cap = Math.max(1, this.options.settings.maxTrackedIps);
    const quiet = (ip: string): boolean => this.options.isQuiet(ip);
    for (let evicted = 0; this.ips.size > 0 && this.ips.size + room > cap; evicted++) {
      if (evicted === budget) return false;
      this.ips.evict(quiet, EVICTION_SCAN_LIMIT, true);
    }
    return true;
  }

  private penalise(ip: string, state: IpBehaviour, now: number, reason: PenaltyReason): Penalty {
    const s = this.options.settings;
    const capMs = this.options.maxPenaltyDurationMs();
    state.level += 1;
    const durationMs =
      reason === 'fast flapping'
        ? capDurationMs(s.fastFlappingBlockTimeMs, capMs)
        : penaltyDurationMs(s.blacklistDurationMs, state.level, capMs);
    state.decayAnchor = now + durationMs;
    state.idleTimeouts.clear();
    state.writeStalls.clear();
    state.silentFlaps.clear();
    state.connects.clear();
    state.partialFrameTimeouts.clear();
    state.fastFlaps = 0;
    return { ip, level: state.level, durationMs, reason };
  }

  /** Drops one level per full decay interval of quiet time since the anchor. */
  private decay(ip: string, state: IpBehaviour, now: number): void {
    const interval = this.options.settings.penaltyDecayIntervalMs;
    if (state.level === 0 || interval <= 0 || now <= state.decayAnchor) return;
    if (!this.options.isQuiet(ip)) return;
    const levels = Math.floor((now - state.decayAnchor) / interval);
    if (levels <= 0) return;
    state.level = Math.max(0, state.level - levels);
    state.decayAnchor += levels * interval;
  }

  private pruneWindows(state: IpBehaviour, now: number): void {
    const s = this.options.settings;
    state.idleTimeouts.prune(now, s.idleTimeoutWindowMs);
    state.writeStalls.prune(now, s.writeStallWindowMs);
    state.silentFlaps.prune(now, s.flapWindowMs);
    state.connects.prune(now, s.connectRateWindowMs);
    state.partialFrameTimeouts.prune(now, s.partialFrameWindowMs);
  }
}
