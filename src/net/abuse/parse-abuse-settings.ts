import { ConfigParamReader } from '../../registry/config-params';
import { secondsToMs } from '../seconds-to-ms';
import { BLOCK_FAST_FLAPPING_KEY, NUMERIC_ABUSE_KEYS, PENALTY_EXEMPT_KEY } from './abuse-setting-keys';
import { AbuseSettings, DEFAULT_ABUSE_SETTINGS } from './abuse-settings';
import { parseExemptionList } from './exemption-list';

/**
 * Reads the abuse-defence keys of a stream server section. Absent keys keep their defaults
 * ({@link DEFAULT_ABUSE_SETTINGS}); a present key must parse, or a ConfigError names it.
 * `fast_flapping_block_time` is in minutes, as Python RNS reads it.
 *
 * @throws {@link ConfigError} when a value cannot be used.
 */
export function parseAbuseSettings(reader: ConfigParamReader): AbuseSettings {
  const settings: AbuseSettings = { ...DEFAULT_ABUSE_SETTINGS };
  for (const entry of NUMERIC_ABUSE_KEYS) {
    const value =
      entry.unit === 'count'
        ? reader.number(entry.key, { min: entry.min, integer: true })
        : reader.duration(entry.key, { unit: entry.unit, min: entry.min });
    if (value === undefined) continue;
    settings[entry.field] =
      entry.unit === 'count' ? value : secondsToMs(entry.unit === 'minutes' ? value * 60 : value);
  }
  settings.blockFastFlapping = reader.boolean(BLOCK_FAST_FLAPPING_KEY) ?? settings.blockFastFlapping;
  const exempt = reader.list(PENALTY_EXEMPT_KEY);
  if (exempt !== undefined) {
    try {
      settings.penaltyExempt = parseExemptionList(exempt);
    } catch (err) {
      throw reader.error(PENALTY_EXEMPT_KEY, `invalid entry: ${(err as Error).message}`);
    }
  }
  return settings;
}
