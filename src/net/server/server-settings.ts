import { ConfigParamReader } from '../../registry/config-params';
import { AbuseSettings } from '../abuse/abuse-settings';
import { parseAbuseSettings } from '../abuse/parse-abuse-settings';
import { DEFAULT_WRITE_STALL_TIMEOUT_SECS } from '../net-constants';
import { secondsToMs } from '../seconds-to-ms';
import { ServerRuntime } from './server-config';

/**
 * Server duration keys: config key (seconds, fractions allowed, 0 = off) -> runtime field
 * (milliseconds), and the value when the key is absent (off, unless given).
 */
const SERVER_DURATION_KEYS: ReadonlyArray<{
  readonly key: string;
  readonly field: Exclude<keyof ServerRuntime, 'maxConnections'>;
  readonly defaultSecs?: number;
}> = [
  { key: 'idle_timeout', field: 'idleTimeoutMs' },
  { key: 'write_stall_timeout', field: 'writeStallTimeoutMs', defaultSecs: DEFAULT_WRITE_STALL_TIMEOUT_SECS },
  { key: 'max_penalty_duration', field: 'maxPenaltyDurationMs' },
];

/** The startup settings of a stream server, as a server section gives them. */
export interface ServerSettings {
  /** `max_connections`, `idle_timeout`, `write_stall_timeout`, `max_penalty_duration`. */
  readonly startup: Readonly<ServerRuntime>;
  /** The abuse-defence keys (penalties, per-IP cap, fast-flap blocking, exemptions). */
  readonly abuse: Readonly<AbuseSettings>;
}

/**
 * Reads the keys every stream server shares: its connection limits and timeouts and the
 * abuse-defence keys. Absent keys keep their defaults; a present key must parse.
 *
 * @throws {@link ConfigError} naming the section and key when a value cannot be used.
 */
export function readServerSettings(reader: ConfigParamReader): ServerSettings {
  const startup: ServerRuntime = {
    maxConnections: reader.count('max_connections') ?? 0,
    idleTimeoutMs: 0,
    writeStallTimeoutMs: 0,
    maxPenaltyDurationMs: 0,
  };
  for (const { key, field, defaultSecs } of SERVER_DURATION_KEYS) {
    startup[field] = secondsToMs(reader.seconds(key) ?? defaultSecs ?? 0);
  }
  return { startup: Object.freeze(startup), abuse: Object.freeze(parseAbuseSettings(reader)) };
}
