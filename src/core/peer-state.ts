/**
 * The longest blacklist, in seconds: 100 years, as good as permanent. Longer requests (up to
 * 1e308 s through the control socket) are shortened to it, so the time left is always a finite
 * number: JSON has no Infinity, and an infinite blacklist would be listed as none.
 */
export const MAX_BLACKLIST_SECS = 100 * 365.25 * 86400;

/**
 * Per-IP state a listening interface keeps about its peers (admission, blacklist, penalties),
 * as the driver serves it to operators.
 */
export interface PeerStateEntry {
  /** The interface's config section name. */
  readonly interfaceName: string;
  /** The peer IP. */
  readonly ip: string;
  /** Live connections from this IP. */
  readonly connectedCount: number;
  /** Connections from this IP that admission refused (blacklisted, or at a per-IP cap). */
  readonly rejectCount: number;
  /** Seconds left on the blacklist, or null when not blacklisted. */
  readonly blacklistedRemainingSecs: number | null;
  /** Why the IP is blacklisted, or null when not blacklisted. */
  readonly blacklistReason: string | null;
  /** Behaviour penalty level (0 when never penalised or fully decayed). */
  readonly penaltyLevel: number;
  /** Events counted in each behaviour window, by window name (for example `idle_timeouts`). */
  readonly windowCounts: Readonly<Record<string, number>>;
}

/** One page of a peer-state listing (see `PeerStateService.listPage`). */
export interface PeerStatePage {
  /** Entries of this page, in no particular order. */
  readonly peers: readonly PeerStateEntry[];
  /** Pass it back for the next page; null on the last page. */
  readonly cursor: string | null;
}

/**
 * Operator access to one listener's per-IP peer state. Plugins implement it; the driver keeps it
 * by interface name. Reading is split so a listing of a large table can be spread over many
 * turns of the event loop: {@link ips} walks the keys lazily, {@link entry} reads one.
 */
export interface PeerStateHandle {
  /** The listener's config section name. */
  readonly interfaceName: string;
  /**
   * A lazy walk over the IPs with state, in no particular order, reading the live tables as it
   * goes (no copy): an IP whose state does not change during the walk is yielded exactly once; one
   * that changes meanwhile may be yielded twice, late, or not at all.
   */
  ips(): IterableIterator<string>;
  /** The state of `ip` now, or undefined when it has none (any more). `ip` is canonical. */
  entry(ip: string): PeerStateEntry | undefined;
  /** Forgets an IP's state (lifting its blacklist). Returns whether there was any. */
  clear(ip: string): boolean;
  /**
   * Blacklists an IP for `durationSecs` (capped by the listener's `max_penalty_duration`, and by
   * {@link MAX_BLACKLIST_SECS}) and disconnects its live connections. Returns the duration
   * applied, in seconds.
   */
  blacklist(ip: string, durationSecs: number, reason: string): number;
}
