import { Clock, systemClock } from '../../core/clock';
import { RnsError } from '../../core/errors';
import { normalizeIp } from '../../core/ip-address';
import { MAX_BLACKLIST_SECS, PeerStateEntry } from '../../core/peer-state';
import { AbuseSettings, DEFAULT_ABUSE_SETTINGS } from '../abuse/abuse-settings';
import { BehaviourTracker } from '../abuse/behaviour-tracker';
import { ServerRuntime, StreamServerConfig } from './server-config';
import { StreamLink } from '../stream-link';
import { PeerMonitor } from '../peer-monitor';
import { RNS_ERR_INVALID_ARGUMENT } from '../../core/error-codes';

/** What a running server lets the shared state reach: live re-reads of settings, forced disconnects. */
export interface ServerLiveControl {
  /** A runtime setting changed: re-arm the idle and stall timers of connected peers. */
  runtimeChanged(): void;
  /** Disconnects every live connection from `ip` (canonical); returns how many there were. */
  disconnectIp(ip: string, reason: string): number;
}

/**
 * What a server's live state is made from: its name, the key family of its live settings and
 * their startup values. A {@link StreamServerConfig} is one; a server of another kind (WebSocket)
 * builds one.
 */
export type ServerStateConfig = Pick<StreamServerConfig, 'name' | 'startup' | 'abuse'> & {
  readonly link: Pick<StreamLink, 'settingsPrefix'>;
};

/**
 * The live state of one started stream server, shared by its runtime-config handle, its
 * peer-state handle and the running server; `startStreamServer` creates it and hands it back
 * with the handles.
 */
export class StreamServerState {
  /** The live settings (initialised from the config's startup values); the server reads them live. */
  readonly runtime: ServerRuntime;
  /** The live abuse-defence settings (initialised from the config); the tracker reads them live. */
  readonly abuse: AbuseSettings;
  /** Per-IP admission state, bounded by `max_tracked_peers` like the tracker. */
  readonly monitor: PeerMonitor;
  /** Per-IP behaviour windows and penalty levels; decides penalties, the server applies them. */
  readonly tracker: BehaviourTracker;
  private live: ServerLiveControl | null = null;
  /** Which table finished its part of the sweep pass under way. */
  private trackerSwept = false;
  private monitorSwept = false;

  /**
   * @param config - the parsed server section (startup values of the live settings).
   * @param clock - time for blacklist expiry and behaviour windows: the server's clock.
   */
  constructor(
    readonly config: ServerStateConfig | StreamServerConfig,
    clock: Clock = systemClock,
  ) {
    this.runtime = { ...config.startup };
    this.abuse = { ...(config.abuse ?? DEFAULT_ABUSE_SETTINGS) };
    this.monitor = new PeerMonitor({ clock, maxEntries: () => this.abuse.maxTrackedIps });
    this.tracker = new BehaviourTracker({
      clock,
      settings: this.abuse,
      maxPenaltyDurationMs: () => this.runtime.maxPenaltyDurationMs,
      isQuiet: (ip) => this.monitor.isQuiet(ip),
    });
  }

  /** Every IP with admission or behaviour state, sorted by IP (O(n log n) in one turn). */
  list(): PeerStateEntry[] {
    return this.monitor.list(this.config.name, this.tracker);
  }

  /** A lazy walk over every IP with admission or behaviour state, unsorted (see PeerStateHandle.ips). */
  ips(): IterableIterator<string> {
    return this.monitor.walkIps(this.tracker);
  }

  /** The peer-state entry of `ip` (canonical) now, or undefined when it has no state. */
  entry(ip: string): PeerStateEntry | undefined {
    return this.monitor.entry(this.config.name, ip, this.tracker);
  }

  /**
   * One step of the periodic upkeep of both tables (penalty decay, expired blacklists, emptied
   * entries, a lowered cap): `budget` entries of each, continuing where the last call stopped.
   * Without a budget, one whole pass.
   *
   * @returns true when this call finished a pass over both.
   */
  sweep(budget = Number.POSITIVE_INFINITY): boolean {
    if (!this.trackerSwept) this.trackerSwept = this.tracker.sweep(budget);
    if (!this.monitorSwept) this.monitorSwept = this.monitor.sweep(budget);
    if (!this.trackerSwept || !this.monitorSwept) return false;
    this.trackerSwept = false;
    this.monitorSwept = false;
    return true;
  }

  /**
   * Forgets everything about `ip`: blacklist, rejections, penalty level and windows (live
   * connections stay counted). Returns whether there was anything.
   */
  clear(ip: string): boolean {
    const key = normalizeIp(ip);
    if (key === undefined) return false;
    const monitored = this.monitor.clear(key);
    const tracked = this.tracker.forget(key);
    return monitored || tracked;
  }

  /** Called by a starting server. */
  attach(control: ServerLiveControl): void {
    this.live = control;
  }

  /** Called by a stopping server; a stale control is ignored. */
  detach(control: ServerLiveControl): void {
    if (this.live === control) this.live = null;
  }

  /** Tells the running server (if any) that a runtime setting changed. */
  notifyRuntimeChanged(): void {
    this.live?.runtimeChanged();
  }

  /**
   * Blacklists `ip` for `durationSecs`, capped by `max_penalty_duration` and by
   * {@link MAX_BLACKLIST_SECS}, and disconnects its live connections. Returns the duration applied, in seconds.
   *
   * @throws {@link RnsError} `RNS_ERR_INVALID_ARGUMENT` for an invalid IP (a zone id included:
   *   peer addresses never carry one) or a negative duration.
   */
  blacklist(ip: string, durationSecs: number, reason: string): number {
    const key = normalizeIp(ip);
    if (key === undefined) {
      throw new RnsError(RNS_ERR_INVALID_ARGUMENT, `invalid peer IP '${ip}'`);
    }
    if (!Number.isFinite(durationSecs) || durationSecs < 0) {
      throw new RnsError(
        RNS_ERR_INVALID_ARGUMENT,
        `blacklist duration must be >= 0 seconds, got ${durationSecs}`,
      );
    }
    const capMs = this.runtime.maxPenaltyDurationMs;
    const capSecs = capMs > 0 ? Math.min(capMs / 1000, MAX_BLACKLIST_SECS) : MAX_BLACKLIST_SECS;
    const appliedSecs = Math.min(durationSecs, capSecs);
    this.monitor.blacklist(key, appliedSecs * 1000, reason);
    this.live?.disconnectIp(key, reason);
    return appliedSecs;
  }
}
