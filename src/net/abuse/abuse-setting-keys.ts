import { AbuseSettings } from './abuse-settings';

/** The numeric fields of {@link AbuseSettings}. */
export type NumericAbuseField = {
  [K in keyof AbuseSettings]: AbuseSettings[K] extends number ? K : never;
}[keyof AbuseSettings];

/**
 * One numeric abuse-defence setting, as a config key and as a runtime setting. The config file
 * and the runtime config both take it from this table, so the two can never drift apart.
 */
export interface NumericAbuseKey {
  /** The config key of the server section, for example `blacklist_duration`. */
  readonly key: string;
  /**
   * How the value is written: `seconds` and `minutes` are durations (fractions allowed; runtime
   * setting `<key>_secs` always in seconds), `count` an integer.
   */
  readonly unit: 'seconds' | 'minutes' | 'count';
  /** The smallest accepted value. */
  readonly min: number;
  /** The settings field it fills (milliseconds for durations). */
  readonly field: NumericAbuseField;
  /** One sentence for the runtime-config listing. */
  readonly description: string;
}

/** Every numeric abuse-defence key, in listing order. */
export const NUMERIC_ABUSE_KEYS: readonly NumericAbuseKey[] = [
  {
    key: 'blacklist_duration',
    unit: 'seconds',
    min: 0,
    field: 'blacklistDurationMs',
    description:
      'Level-1 behaviour blacklist in seconds, doubled per penalty level; 0 turns the behaviour detectors off.',
  },
  {
    key: 'idle_timeout_blacklist_threshold',
    unit: 'count',
    min: 0,
    field: 'idleTimeoutThreshold',
    description: 'Idle timeouts of one IP within the window that trigger a penalty; 0 disables.',
  },
  {
    key: 'idle_timeout_blacklist_window',
    unit: 'seconds',
    min: 0,
    field: 'idleTimeoutWindowMs',
    description: 'Sliding window for counting idle timeouts, in seconds; 0 disables.',
  },
  {
    key: 'write_stall_blacklist_threshold',
    unit: 'count',
    min: 0,
    field: 'writeStallThreshold',
    description: 'Write stalls of one IP within the window that trigger a penalty; 0 disables.',
  },
  {
    key: 'write_stall_blacklist_window',
    unit: 'seconds',
    min: 0,
    field: 'writeStallWindowMs',
    description: 'Sliding window for counting write stalls, in seconds; 0 disables.',
  },
  {
    key: 'flap_blacklist_threshold',
    unit: 'count',
    min: 0,
    field: 'flapThreshold',
    description: 'Silent flaps of one IP within the window that trigger a penalty; 0 disables.',
  },
  {
    key: 'flap_blacklist_window',
    unit: 'seconds',
    min: 0,
    field: 'flapWindowMs',
    description: 'Sliding window for counting silent flaps, in seconds; 0 disables.',
  },
  {
    key: 'flap_max_connection_age',
    unit: 'seconds',
    min: 0,
    field: 'flapMaxConnectionAgeMs',
    description:
      'A connection the peer closed without sending data counts as a silent flap if it lasted at most this many seconds.',
  },
  {
    key: 'connect_rate_threshold',
    unit: 'count',
    min: 0,
    field: 'connectRateThreshold',
    description:
      'Connection attempts of one IP within the window that trigger a penalty (the crossing one is refused); 0 disables.',
  },
  {
    key: 'connect_rate_window',
    unit: 'seconds',
    min: 0,
    field: 'connectRateWindowMs',
    description: 'Sliding window for counting connection attempts, in seconds; 0 disables.',
  },
  {
    key: 'max_connections_per_ip',
    unit: 'count',
    min: 0,
    field: 'maxConnectionsPerIp',
    description:
      'Most simultaneous connections from one IP (penalty_exempt addresses are not capped); a refused one is penalised; 0 disables.',
  },
  {
    key: 'partial_frame_timeout',
    unit: 'seconds',
    min: 0,
    field: 'partialFrameTimeoutMs',
    description:
      'Disconnect a peer that holds an unfinished frame (opened, never closed) for this many seconds; 0 disables.',
  },
  {
    key: 'partial_frame_blacklist_threshold',
    unit: 'count',
    min: 0,
    field: 'partialFrameThreshold',
    description: 'Unfinished-frame timeouts of one IP within the window that trigger a penalty; 0 disables.',
  },
  {
    key: 'partial_frame_blacklist_window',
    unit: 'seconds',
    min: 0,
    field: 'partialFrameWindowMs',
    description: 'Sliding window for counting unfinished-frame timeouts, in seconds; 0 disables.',
  },
  {
    key: 'penalty_decay_interval',
    unit: 'seconds',
    min: 0,
    field: 'penaltyDecayIntervalMs',
    description:
      'Quiet seconds (no connection, no blacklist) after which a penalty level drops by one; 0 never decays.',
  },
  {
    key: 'fast_flapping_threshold',
    unit: 'seconds',
    min: 0,
    field: 'fastFlappingThresholdMs',
    description: 'A connection the peer closes within this many seconds counts as a fast flap (Python RNS).',
  },
  {
    key: 'fast_flapping_grace',
    unit: 'count',
    min: 0,
    field: 'fastFlappingGrace',
    description: 'Fast flaps tolerated before an IP is blocked (blocked from flap grace+1 on).',
  },
  {
    key: 'fast_flapping_block_time',
    unit: 'minutes',
    min: 0,
    field: 'fastFlappingBlockTimeMs',
    description:
      'How long a fast-flapping IP is blocked, in seconds (the config key is in minutes, as in Python).',
  },
  {
    key: 'max_tracked_peers',
    unit: 'count',
    min: 1,
    field: 'maxTrackedIps',
    description:
      'Cap on IPs in each peer table (behaviour, and blacklists with refusals); the least recently active idle entries are evicted first.',
  },
];

/** The runtime-setting name of a numeric key: durations gain `_secs`. */
export function runtimeSettingName(entry: NumericAbuseKey): string {
  return entry.unit === 'count' ? entry.key : `${entry.key}_secs`;
}

/** Config key of the exemption list. */
export const PENALTY_EXEMPT_KEY = 'penalty_exempt';

/** Config key and runtime setting of Python's fast-flap switch. */
export const BLOCK_FAST_FLAPPING_KEY = 'block_fast_flapping';
