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

/**
 * Operator access to one listener's per-IP peer state. Plugins implement it; the driver keeps it
 * by interface name.
 */
export interface PeerStateHandle {
  /** The listener's config section name. */
  readonly interfaceName: string;
  /** Every tracked IP, sorted by IP. */
  list(): readonly PeerStateEntry[];
  /** Forgets an IP's state (lifting its blacklist). Returns whether there was any. */
  clear(ip: string): boolean;
  /**
   * Blacklists an IP for `durationSecs` (capped by the listener's `max_penalty_duration`, and by
   * {@link MAX_BLACKLIST_SECS}) and disconnects its live connections. Returns the duration
   * applied, in seconds.
   */
  blacklist(ip: string, durationSecs: number, reason: string): number;
}
