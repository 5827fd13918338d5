import { Clock, systemClock } from '../core/clock';
import { ipSortKey } from '../core/ip-address';
import { MAX_BLACKLIST_SECS, PeerStateEntry } from '../core/peer-state';
import { RecencyMap } from '../core/recency-map';

/**
 * How long the reject count of an IP with no connection and no blacklist is kept before a
 * {@link PeerMonitor.sweep} drops it: long enough for an operator to see what happened,
 * short enough that an attack from many addresses cannot grow the table without bound.
 */
export const REJECT_HISTORY_RETENTION_MS = 60 * 60 * 1000;

/**
 * How many entries one eviction looks at before giving up (all of them had live connections).
 * The hand moves on, so the next eviction looks at others.
 */
const EVICTION_SCAN_LIMIT = 16;

/**
 * Evictions per new entry: one makes room for it, the other works off an excess left by a
 * lowered cap, so the table shrinks to a lowered cap as new IPs arrive (and sweeps do the rest).
 */
const EVICTIONS_PER_INSERT = 2;

/** An IP's behaviour as the peer-state listing shows it (the behaviour tracker provides it). */
export interface PeerBehaviourSource {
  /** IPs with behaviour state (listed even when the monitor has no record of them); a live view. */
  trackedIps(): Iterable<string>;
  /** Penalty level and window counts of `ip`, or undefined when it has none. */
  snapshot(
    ip: string,
  ): { readonly penaltyLevel: number; readonly windowCounts: Readonly<Record<string, number>> } | undefined;
}

/** Options of a {@link PeerMonitor}. */
export interface PeerMonitorOptions {
  /** Time source for blacklist expiry (default: the system clock). */
  readonly clock?: Clock;
  /**
   * The live cap on entries without a live connection (`max_tracked_peers`, shared with the
   * behaviour tracker); read at every insertion. Default: no cap.
   */
  readonly maxEntries?: () => number;
}

/** What the monitor keeps per IP. */
interface PeerRecord {
  /** Clock ms of the last connection, rejection or blacklist (for pruning reject history). */
  lastActivityAt: number;
  connectedCount: number;
  rejectCount: number;
  /** Epoch ms the blacklist ends, or null. */
  blacklistedUntil: number | null;
  /** Epoch ms the blacklist started (for capping it when `max_penalty_duration` is lowered). */
  blacklistedSince: number | null;
  blacklistReason: string | null;
}

/**
 * Per-IP state of one stream server: live connections, refused connections and the blacklist.
 * The server and the operator handles share one instance, so a blacklist set by an operator is
 * seen by the very next accept. IPs are canonical (`normalizeIp`): callers normalise them once,
 * where they enter.
 *
 * Expiry is lazy: an expired blacklist reads as "not blacklisted" and is cleared, with its reason,
 * the next time the IP is looked at; an entry holding nothing (no connection, no rejection, no
 * blacklist) is removed, so the table only grows with IPs that matter.
 *
 * The table is bounded by `maxEntries`: a new IP evicts the least recently active entry without
 * a live connection (a blacklist or a reject history), in O(1) amortised time. Entries with live
 * connections are never evicted (their count is what the per-IP limits read); they are bounded by
 * the connections themselves.
 */
export class PeerMonitor {
  private readonly peers = new RecencyMap<string, PeerRecord>();
  private readonly clock: Clock;
  private readonly maxEntries: () => number;

  constructor(options: PeerMonitorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxEntries = options.maxEntries ?? (() => Number.POSITIVE_INFINITY);
  }

  /** Whether `ip` is blacklisted now. */
  isBlacklisted(ip: string): boolean {
    const record = this.live(ip);
    return record?.blacklistedUntil != null;
  }

  /** The blacklist reason of `ip`, or null when it is not blacklisted. */
  blacklistReason(ip: string): string | null {
    return this.live(ip)?.blacklistReason ?? null;
  }

  /** Whether `ip` has no live connection and no blacklist (its penalty level may decay). */
  isQuiet(ip: string): boolean {
    const record = this.live(ip);
    return record === undefined || (record.connectedCount === 0 && record.blacklistedUntil === null);
  }

  /** Live connections from `ip`. */
  connectedCount(ip: string): number {
    return this.peers.get(ip)?.connectedCount ?? 0;
  }

  /** Counts a connection refused at admission (blacklisted, or at the per-IP cap). */
  recordReject(ip: string): void {
    this.upsert(ip).rejectCount += 1;
  }

  /** Counts a connection admitted from `ip`. */
  recordConnected(ip: string): void {
    this.upsert(ip).connectedCount += 1;
  }

  /** Tracked IPs. */
  get size(): number {
    return this.peers.size;
  }

  /**
   * Clears expired blacklists, drops entries left with only a reject count older than
   * {@link REJECT_HISTORY_RETENTION_MS}, and evicts down to a lowered cap: `budget` entries at a
   * time, continuing where the previous call stopped, so the server can spread a pass over many
   * turns of the event loop.
   *
   * @returns true when this call finished a pass.
   */
  sweep(budget = Number.POSITIVE_INFINITY): boolean {
    const trimmed = this.trim(budget);
    const now = this.clock.now();
    const swept = this.peers.sweep(budget, (_ip, record) => {
      if (record.blacklistedUntil !== null && record.blacklistedUntil <= now) this.expire(record);
      return (
        record.connectedCount === 0 &&
        record.blacklistedUntil === null &&
        (record.rejectCount === 0 || now - record.lastActivityAt > REJECT_HISTORY_RETENTION_MS)
      );
    });
    return swept && trimmed;
  }

  /** Counts a connection from `ip` that ended. */
  recordDisconnected(ip: string): void {
    const record = this.peers.get(ip);
    if (record === undefined) return;
    record.connectedCount = Math.max(0, record.connectedCount - 1);
    this.pruneIfEmpty(ip, record);
  }

  /**
   * Blacklists `ip` for `durationMs` from now (replacing any earlier blacklist), creating the entry
   * if the IP is unknown. The caller applies `max_penalty_duration`; any duration is shortened to
   * {@link MAX_BLACKLIST_SECS}, so the end is always a finite time.
   */
  blacklist(ip: string, durationMs: number, reason: string): void {
    const record = this.upsert(ip);
    const now = this.clock.now();
    record.blacklistedSince = now;
    record.blacklistedUntil = now + Math.min(durationMs, MAX_BLACKLIST_SECS * 1000);
    record.blacklistReason = reason;
  }

  /** Shortens every blacklist to at most `capMs` from its start (`max_penalty_duration` lowered). */
  capBlacklists(capMs: number): void {
    for (const record of this.peers.values()) {
      if (record.blacklistedUntil === null || record.blacklistedSince === null) continue;
      record.blacklistedUntil = Math.min(record.blacklistedUntil, record.blacklistedSince + capMs);
    }
  }

  /**
   * Forgets the history of `ip` (blacklist, rejections). Its live connection count stays, since
   * those connections still exist and will be counted down when they close. Returns whether
   * there was an entry.
   */
  clear(ip: string): boolean {
    const record = this.peers.get(ip);
    if (record === undefined) return false;
    record.rejectCount = 0;
    this.expire(record);
    this.pruneIfEmpty(ip, record);
    return true;
  }

  /**
   * The IPs of this table and then those only `behaviour` knows, lazily, from the live tables
   * (O(1) per IP, no copy), for a listing to page through. An IP whose state changes during the
   * walk may be yielded twice, or missed.
   */
  *walkIps(behaviour?: PeerBehaviourSource): Generator<string, void, undefined> {
    yield* this.peers.keys();
    if (behaviour === undefined) return;
    for (const ip of behaviour.trackedIps()) if (!this.peers.has(ip)) yield ip;
  }

  /**
   * The peer-state entry of `ip` now, with its penalty level and window counts from `behaviour`,
   * or undefined when neither knows it (any more).
   */
  entry(interfaceName: string, ip: string, behaviour?: PeerBehaviourSource): PeerStateEntry | undefined {
    const record = this.live(ip);
    const snapshot = behaviour?.snapshot(ip);
    if (record === undefined && snapshot === undefined) return undefined;
    return {
      interfaceName,
      ip,
      connectedCount: record?.connectedCount ?? 0,
      rejectCount: record?.rejectCount ?? 0,
      blacklistedRemainingSecs:
        record?.blacklistedUntil == null ? null : (record.blacklistedUntil - this.clock.now()) / 1000,
      blacklistReason: record?.blacklistReason ?? null,
      penaltyLevel: snapshot?.penaltyLevel ?? 0,
      windowCounts: snapshot?.windowCounts ?? {},
    };
  }

  /**
   * Every tracked IP, sorted by IP: {@link walkIps} and {@link entry} in one go. O(n log n) in
   * one turn; an operator listing of a large table pages through the other two instead.
   */
  list(interfaceName: string, behaviour?: PeerBehaviourSource): PeerStateEntry[] {
    const keyed: Array<{ key: string; entry: PeerStateEntry }> = [];
    for (const ip of new Set(this.walkIps(behaviour))) {
      const entry = this.entry(interfaceName, ip, behaviour);
      if (entry !== undefined) keyed.push({ key: ipSortKey(ip), entry });
    }
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed.map((k) => k.entry);
  }

  /** The record of `ip` with an expired blacklist cleared, or undefined when nothing is left. */
  private live(ip: string): PeerRecord | undefined {
    const record = this.peers.get(ip);
    if (record === undefined) return undefined;
    if (record.blacklistedUntil !== null && record.blacklistedUntil <= this.clock.now()) {
      this.expire(record);
      if (this.pruneIfEmpty(ip, record)) return undefined;
    }
    return record;
  }

  private upsert(ip: string): PeerRecord {
    const now = this.clock.now();
    let record = this.live(ip);
    if (record === undefined) {
      record = {
        lastActivityAt: now,
        connectedCount: 0,
        rejectCount: 0,
        blacklistedUntil: null,
        blacklistedSince: null,
        blacklistReason: null,
      };
      this.trim(EVICTIONS_PER_INSERT, 1);
    }
    record.lastActivityAt = now;
    this.peers.touch(ip, record);
    return record;
  }

  /**
   * Evicts (at most `budget` entries) until `room` more fit under the cap; entries with live
   * connections stay. Returns false while there is more to evict.
   */
  private trim(budget: number, room = 0): boolean {
    const cap = Math.max(1, this.maxEntries());
    for (let evicted = 0; this.peers.size + room > cap; evicted++) {
      if (evicted === budget) return false;
      const victim = this.peers.evict((_ip, record) => record.connectedCount === 0, EVICTION_SCAN_LIMIT);
      // Only live connections were looked at: let them be until the next pass.
      if (victim === undefined) return true;
    }
    return true;
  }

  private expire(record: PeerRecord): void {
    record.blacklistedUntil = null;
    record.blacklistedSince = null;
    record.blacklistReason = null;
  }

  private pruneIfEmpty(ip: string, record: PeerRecord): boolean {
    if (record.connectedCount > 0 || record.rejectCount > 0 || record.blacklistedUntil !== null) return false;
    this.peers.delete(ip);
    return true;
  }
}
