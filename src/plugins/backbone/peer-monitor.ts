import { Clock, systemClock } from '../../core/clock';
import { MAX_BLACKLIST_SECS, PeerStateEntry } from '../../core/peer-state';
import { compareIps, normalizePeerIp } from './peer-ip';

/**
 * How long the reject count of an IP with no connection and no blacklist is kept before a
 * {@link BackbonePeerMonitor.sweep} drops it: long enough for an operator to see what happened,
 * short enough that an attack from many addresses cannot grow the table without bound.
 */
export const REJECT_HISTORY_RETENTION_MS = 60 * 60 * 1000;

/** An IP's behaviour as the peer-state listing shows it (the behaviour tracker provides it). */
export interface PeerBehaviourSource {
  /** IPs with behaviour state (listed even when the monitor has no record of them). */
  trackedIps(): string[];
  /** Penalty level and window counts of `ip`, or undefined when it has none. */
  snapshot(
    ip: string,
  ): { readonly penaltyLevel: number; readonly windowCounts: Readonly<Record<string, number>> } | undefined;
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
 * Per-IP state of one Backbone server: live connections, refused connections and the blacklist.
 * The server and the operator handles share one instance, so a blacklist set by an operator is
 * seen by the very next accept. IPs are normalised (IPv4-mapped IPv6 -> IPv4).
 *
 * Expiry is lazy: an expired blacklist reads as "not blacklisted" and is cleared, with its reason,
 * the next time the IP is looked at; an entry holding nothing (no connection, no rejection, no
 * blacklist) is removed, so the table only grows with IPs that matter.
 */
export class BackbonePeerMonitor {
  private readonly peers = new Map<string, PeerRecord>();

  /**
   * @param clock - time source for blacklist expiry; the server swaps in its start context's
   *   clock (see {@link useClock}) since handles may exist before the interface starts.
   */
  constructor(private clock: Clock = systemClock) {}

  /** Uses `clock` from now on (the server's injected clock). */
  useClock(clock: Clock): void {
    this.clock = clock;
  }

  /** Whether `ip` is blacklisted now. */
  isBlacklisted(ip: string): boolean {
    const record = this.live(normalizePeerIp(ip));
    return record?.blacklistedUntil != null;
  }

  /** The blacklist reason of `ip`, or null when it is not blacklisted. */
  blacklistReason(ip: string): string | null {
    return this.live(normalizePeerIp(ip))?.blacklistReason ?? null;
  }

  /** Whether `ip` has no live connection and no blacklist (its penalty level may decay). */
  isQuiet(ip: string): boolean {
    const record = this.live(normalizePeerIp(ip));
    return record === undefined || (record.connectedCount === 0 && record.blacklistedUntil === null);
  }

  /** Live connections from `ip`. */
  connectedCount(ip: string): number {
    return this.peers.get(normalizePeerIp(ip))?.connectedCount ?? 0;
  }

  /** Counts a connection refused at admission (blacklisted, or at the per-IP cap). */
  recordReject(ip: string): void {
    this.upsert(normalizePeerIp(ip)).rejectCount += 1;
  }

  /** Counts a connection admitted from `ip`. */
  recordConnected(ip: string): void {
    this.upsert(normalizePeerIp(ip)).connectedCount += 1;
  }

  /** Tracked IPs. */
  get size(): number {
    return this.peers.size;
  }

  /**
   * Clears expired blacklists and drops entries left with only a reject count older than
   * {@link REJECT_HISTORY_RETENTION_MS}. The server calls it periodically.
   */
  sweep(): void {
    const now = this.clock.now();
    for (const ip of [...this.peers.keys()]) {
      const record = this.live(ip);
      if (record === undefined) continue;
      if (
        record.connectedCount === 0 &&
        record.blacklistedUntil === null &&
        now - record.lastActivityAt > REJECT_HISTORY_RETENTION_MS
      ) {
        this.peers.delete(ip);
      }
    }
  }

  /** Counts a connection from `ip` that ended. */
  recordDisconnected(ip: string): void {
    const key = normalizePeerIp(ip);
    const record = this.peers.get(key);
    if (record === undefined) return;
    record.connectedCount = Math.max(0, record.connectedCount - 1);
    this.pruneIfEmpty(key, record);
  }

  /**
   * Blacklists `ip` for `durationMs` from now (replacing any earlier blacklist), creating the entry
   * if the IP is unknown. The caller applies `max_penalty_duration`; any duration is shortened to
   * {@link MAX_BLACKLIST_SECS}, so the end is always a finite time.
   */
  blacklist(ip: string, durationMs: number, reason: string): void {
    const record = this.upsert(normalizePeerIp(ip));
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
    const key = normalizePeerIp(ip);
    const record = this.peers.get(key);
    if (record === undefined) return false;
    record.rejectCount = 0;
    record.blacklistedUntil = null;
    record.blacklistedSince = null;
    record.blacklistReason = null;
    this.pruneIfEmpty(key, record);
    return true;
  }

  /**
   * Every tracked IP, sorted by IP, as the peer-state handle reports it. With `behaviour`, each
   * entry carries the IP's penalty level and window counts, and IPs known only to the behaviour
   * tracker are listed too.
   */
  list(interfaceName: string, behaviour?: PeerBehaviourSource): PeerStateEntry[] {
    const now = this.clock.now();
    const entries: PeerStateEntry[] = [];
    const ips = new Set(this.peers.keys());
    for (const ip of behaviour?.trackedIps() ?? []) ips.add(ip);
    for (const ip of [...ips].sort(compareIps)) {
      const record = this.live(ip);
      const snapshot = behaviour?.snapshot(ip);
      if (record === undefined && snapshot === undefined) continue;
      entries.push({
        interfaceName,
        ip,
        connectedCount: record?.connectedCount ?? 0,
        rejectCount: record?.rejectCount ?? 0,
        blacklistedRemainingSecs:
          record?.blacklistedUntil == null ? null : (record.blacklistedUntil - now) / 1000,
        blacklistReason: record?.blacklistReason ?? null,
        penaltyLevel: snapshot?.penaltyLevel ?? 0,
        windowCounts: snapshot?.windowCounts ?? {},
      });
    }
    return entries;
  }

  /** The record of `ip` with an expired blacklist cleared, or undefined when nothing is left. */
  private live(ip: string): PeerRecord | undefined {
    const record = this.peers.get(ip);
    if (record === undefined) return undefined;
    if (record.blacklistedUntil !== null && record.blacklistedUntil <= this.clock.now()) {
      record.blacklistedUntil = null;
      record.blacklistedSince = null;
      record.blacklistReason = null;
      if (this.pruneIfEmpty(ip, record)) return undefined;
    }
    return record;
  }

  private upsert(ip: string): PeerRecord {
    const existing = this.live(ip);
    const now = this.clock.now();
    if (existing !== undefined) {
      existing.lastActivityAt = now;
      return existing;
    }
    const record: PeerRecord = {
      lastActivityAt: now,
      connectedCount: 0,
      rejectCount: 0,
      blacklistedUntil: null,
      blacklistedSince: null,
      blacklistReason: null,
    };
    this.peers.set(ip, record);
    return record;
  }

  private pruneIfEmpty(ip: string, record: PeerRecord): boolean {
    if (record.connectedCount > 0 || record.rejectCount > 0 || record.blacklistedUntil !== null) return false;
    this.peers.delete(ip);
    return true;
  }
}
