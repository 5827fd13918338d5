/**
 * The behaviour-defence settings of a stream server. Durations in milliseconds; a threshold or
 * window of 0 turns its detector off. The server reads them live, so an operator can tighten a
 * node under attack without a restart.
 *
 * The cap on every penalty (`max_penalty_duration`) is not here: it also caps operator blacklists,
 * so it lives once, in the server runtime (`ServerRuntime.maxPenaltyDurationMs`), and the
 * tracker reads it from there.
 */
export interface AbuseSettings {
  /** Level-1 blacklist duration; doubles per level. 0 turns every behaviour detector off. */
  blacklistDurationMs: number;
  /** Idle timeouts within the window that trigger a penalty. */
  idleTimeoutThreshold: number;
  /** The idle-timeout detector's sliding window. */
  idleTimeoutWindowMs: number;
  /** Write stalls within the window that trigger a penalty. */
  writeStallThreshold: number;
  /** The write-stall detector's sliding window. */
  writeStallWindowMs: number;
  /** Silent flaps (closed by the peer without sending data, young) within the window that trigger a penalty. */
  flapThreshold: number;
  /** The silent-flap detector's sliding window. */
  flapWindowMs: number;
  /** A connection counts as a silent flap only if it lasted at most this long. */
  flapMaxConnectionAgeMs: number;
  /** Connection attempts within the window that trigger a penalty (checked at admission). */
  connectRateThreshold: number;
  /** The connection-rate detector's sliding window. */
  connectRateWindowMs: number;
  /** Unfinished-frame timeouts (see `partialFrameTimeoutMs`) within the window that trigger a penalty. */
  partialFrameThreshold: number;
  /** The unfinished-frame detector's sliding window. */
  partialFrameWindowMs: number;
  /** Quiet time (no connection, no blacklist) after which the penalty level drops by one; 0 = never. */
  penaltyDecayIntervalMs: number;
  /** Python's fast-flap blocking (`block_fast_flapping`). */
  blockFastFlapping: boolean;
  /** A connection shorter than this counts as a fast flap (`fast_flapping_threshold`). */
  fastFlappingThresholdMs: number;
  /** Fast flaps tolerated before blocking (`fast_flapping_grace`); blocked from flap grace+1 on. */
  fastFlappingGrace: number;
  /** How long a fast-flapping IP is blocked (`fast_flapping_block_time`). */
  fastFlappingBlockTimeMs: number;
  /** Addresses and CIDR ranges never penalised automatically (`penalty_exempt`). */
  penaltyExempt: readonly string[];
  /** Cap on tracked IPs; the oldest idle entries are evicted first. */
  maxTrackedIps: number;
  /**
   * Most simultaneous connections from one IP; exempt addresses are not capped. A refusal at the
   * cap is penalised (when `blacklistDurationMs` is set). 0 = no cap.
   */
  maxConnectionsPerIp: number;
  /**
   * A peer that holds an unfinished frame (opened, not closed) this long has it discarded and is
   * disconnected; 0 = off.
   */
  partialFrameTimeoutMs: number;
}

/**
 * Python RNS's fast-flap defaults and every other detector off; loopback exempt. The two bounds
 * that keep one IP from holding the server's memory are on: 32 connections per IP, 30 s for an
 * unfinished frame.
 */
export const DEFAULT_ABUSE_SETTINGS: Readonly<AbuseSettings> = Object.freeze({
  blacklistDurationMs: 0,
  idleTimeoutThreshold: 0,
  idleTimeoutWindowMs: 0,
  writeStallThreshold: 0,
  writeStallWindowMs: 0,
  flapThreshold: 0,
  flapWindowMs: 0,
  flapMaxConnectionAgeMs: 10_000,
  connectRateThreshold: 0,
  connectRateWindowMs: 0,
  partialFrameThreshold: 0,
  partialFrameWindowMs: 0,
  penaltyDecayIntervalMs: 0,
  blockFastFlapping: true,
  fastFlappingThresholdMs: 20_000,
  fastFlappingGrace: 5,
  fastFlappingBlockTimeMs: 12 * 60 * 60 * 1000,
  penaltyExempt: Object.freeze(['127.0.0.0/8', '::1']),
  maxTrackedIps: 100_000,
  maxConnectionsPerIp: 32,
  partialFrameTimeoutMs: 30_000,
});
