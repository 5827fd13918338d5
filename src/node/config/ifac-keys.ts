import { IFAC_MAX_SIZE, IFAC_MIN_SIZE } from '../../core/constants';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';

/** Smallest and largest `ifac_size`, in bits: one byte up to a whole Ed25519 signature. */
const MIN_IFAC_BITS = IFAC_MIN_SIZE * 8;
const MAX_IFAC_BITS = IFAC_MAX_SIZE * 8;

/** An interface's IFAC configuration. */
export interface IfacSettings {
  /** `networkname` / `network_name`, or null. */
  readonly networkName: string | null;
  /** `passphrase` / `pass_phrase`, or null. */
  readonly passphrase: string | null;
  /** Code length in bytes (`ifac_size` is in bits). */
  readonly size: number;
}

/**
 * Reads an interface section's IFAC keys as Python's interface setup does: `network_name` wins
 * over `networkname` and `pass_phrase` over `passphrase` when both are given, an empty value
 * counts as absent, and `ifac_size` is in bits. Null when neither a name nor a passphrase is set
 * (the interface is open; an `ifac_size` alone changes nothing, as in Python).
 *
 * @param defaultSize - the code length in bytes without `ifac_size`: the plugin's
 *   `defaultIfacSize` (Python's `DEFAULT_IFAC_SIZE` of the interface class).
 * @throws ConfigError naming the section and key for an `ifac_size` that is not a whole number
 *   of 8..512 bits (Python silently ignores one under 8; a typo should not turn a code off), and
 *   for a list where one value belongs
 */
export function readIfacKeys(
  section: string,
  params: ConfigParams,
  defaultSize: number,
): IfacSettings | null {
  const reader = new ConfigParamReader(section, params);
  const networkName = nonEmpty(reader.string('network_name')) ?? nonEmpty(reader.string('networkname'));
  const passphrase = nonEmpty(reader.string('pass_phrase')) ?? nonEmpty(reader.string('passphrase'));
  const bits = reader.number('ifac_size', { integer: true });
  if (bits !== undefined && (bits < MIN_IFAC_BITS || bits > MAX_IFAC_BITS)) {
    throw reader.error('ifac_size', `must be ${MIN_IFAC_BITS}..${MAX_IFAC_BITS} bits, got '${bits}'`);
  }
  if (networkName === null && passphrase === null) return null;
  return {
    networkName,
    passphrase,
    size: bits !== undefined ? Math.floor(bits / 8) : defaultSize,
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
