import { IngressControlConfig } from '../../core/ingress-control';
import { ConfigParamReader } from '../../registry/config-params';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The numeric ingress and egress control keys of Python RNS 1.4.2, each with the field it sets.
 * With `ingress_control` and `egress_control` (booleans) they are the one list of these keys:
 * every one can be set per interface section, and all but `ingress_control` also in
 * `[reticulum]` as the default of every interface.
 */
export const INGRESS_CONTROL_NUMERIC_KEYS: ReadonlyArray<{
  readonly key: string;
  readonly field: Exclude<keyof IngressControlConfig, 'enabled' | 'egressControl'>;
  /** `count` an integer, `rate` a number per second, `seconds` a duration (bounded like every one). */
  readonly kind: 'count' | 'rate' | 'seconds';
}> = [
  { key: 'ic_max_held_announces', field: 'maxHeldAnnounces', kind: 'count' },
  { key: 'ic_burst_hold', field: 'burstHold', kind: 'seconds' },
  { key: 'ic_burst_freq_new', field: 'burstFreqNew', kind: 'rate' },
  { key: 'ic_burst_freq', field: 'burstFreq', kind: 'rate' },
  { key: 'ic_pr_burst_freq_new', field: 'prBurstFreqNew', kind: 'rate' },
  { key: 'ic_pr_burst_freq', field: 'prBurstFreq', kind: 'rate' },
  { key: 'ic_new_time', field: 'newTime', kind: 'seconds' },
  { key: 'ic_burst_penalty', field: 'burstPenalty', kind: 'seconds' },
  { key: 'ic_held_release_interval', field: 'heldReleaseInterval', kind: 'seconds' },
  { key: 'ec_pr_freq', field: 'ecPrFreq', kind: 'rate' },
];

/** Every key {@link readIngressControl} may read. */
export const INGRESS_CONTROL_KEY_NAMES: ReadonlySet<string> = new Set([
  'ingress_control',
  'egress_control',
  ...INGRESS_CONTROL_NUMERIC_KEYS.map((k) => k.key),
]);

/**
 * Reads the ingress and egress control keys present in a section over `base` (Python's defaults,
 * or the node-wide values from `[reticulum]`). Negative numbers, fractions for a count and
 * non-boolean words are errors naming the section and key.
 *
 * @param readEnabled - whether `ingress_control` itself is read: interface sections only, as in
 *   Python, where it is not a node-wide key.
 */
export function readIngressControl(
  reader: ConfigParamReader,
  base: IngressControlConfig,
  readEnabled: boolean,
): IngressControlConfig {
  const out: Writable<IngressControlConfig> = { ...base };
  if (readEnabled) out.enabled = reader.boolean('ingress_control') ?? base.enabled;
  out.egressControl = reader.boolean('egress_control') ?? base.egressControl;
  for (const { key, field, kind } of INGRESS_CONTROL_NUMERIC_KEYS) {
    const value =
      kind === 'seconds' ? reader.seconds(key) : reader.number(key, { min: 0, integer: kind === 'count' });
    out[field] = value ?? base[field];
  }
  return Object.freeze(out);
}
