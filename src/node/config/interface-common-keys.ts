import { DEFAULT_INGRESS_CONTROL, IngressControlConfig } from '../../core/ingress-control';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';

/**
 * Keys Python RNS accepts on every interface section that the node, not the plugin, owns.
 * Ingress control is read here and carried to the interface (and its spawned peers) in the start
 * context; IFAC keys are read by `readIfacKeys`. The rest configure features of a Python transport
 * node that this relay does not have (announce rate limits, interface discovery); they are
 * accepted so a Python config works,
 * and reported so nobody believes they are in force.
 */
const UNSUPPORTED_KEYS: ReadonlyMap<string, string> = new Map([
  ...['announce_rate_target', 'announce_rate_grace', 'announce_rate_penalty', 'announce_cap'].map(
    (k) =>
      [k, 'announce rate limits need a transport node; the relay forwards announces as they come'] as const,
  ),
  ...[
    'discoverable',
    'discovery_name',
    'discovery_stamp_value',
    'announce_interval',
    'reachable_on',
    'latitude',
    'lat',
    'longitude',
    'lon',
    'height',
  ].map((k) => [k, 'interface discovery is not implemented'] as const),
  ...['egress_control', 'ec_pr_freq', 'ic_pr_burst_freq_new', 'ic_pr_burst_freq', 'bitrate', 'outgoing'].map(
    (k) => [k, 'has no effect in rns-net'] as const,
  ),
]);

/** Ingress-control keys, the field each sets, and what kind of number it is. */
const INGRESS_NUMBERS: ReadonlyArray<{
  readonly key: string;
  readonly field: Exclude<keyof IngressControlConfig, 'enabled'>;
  /** `count` an integer, `rate` a number per second, `seconds` a duration. */
  readonly kind: 'count' | 'rate' | 'seconds';
}> = [
  { key: 'ic_max_held_announces', field: 'maxHeldAnnounces', kind: 'count' },
  { key: 'ic_burst_hold', field: 'burstHold', kind: 'seconds' },
  { key: 'ic_burst_freq_new', field: 'burstFreqNew', kind: 'rate' },
  { key: 'ic_burst_freq', field: 'burstFreq', kind: 'rate' },
  { key: 'ic_new_time', field: 'newTime', kind: 'seconds' },
  { key: 'ic_burst_penalty', field: 'burstPenalty', kind: 'seconds' },
  { key: 'ic_held_release_interval', field: 'heldReleaseInterval', kind: 'seconds' },
];

/** What the node reads from an interface section besides the plugin's own keys. */
export interface InterfaceCommonKeys {
  /** The section's ingress control (Python's defaults where a key is absent). */
  readonly ingressControl: IngressControlConfig;
  /** One line per key present that has no effect here, naming the key and why. */
  readonly notices: readonly string[];
}

/**
 * Reads the node-owned keys of an interface section.
 *
 * @throws {@link ConfigError} naming the section and key when an ingress-control value is invalid.
 */
export function readInterfaceCommonKeys(section: string, params: ConfigParams): InterfaceCommonKeys {
  const reader = new ConfigParamReader(section, params);
  const ingress: { -readonly [K in keyof IngressControlConfig]: IngressControlConfig[K] } = {
    ...DEFAULT_INGRESS_CONTROL,
  };
  ingress.enabled = reader.boolean('ingress_control') ?? DEFAULT_INGRESS_CONTROL.enabled;
  for (const { key, field, kind } of INGRESS_NUMBERS) {
    const value =
      kind === 'seconds' ? reader.seconds(key) : reader.number(key, { min: 0, integer: kind === 'count' });
    ingress[field] = value ?? DEFAULT_INGRESS_CONTROL[field];
  }
  const notices: string[] = [];
  for (const key of Object.keys(params)) {
    const why = UNSUPPORTED_KEYS.get(key);
    if (why !== undefined) notices.push(`[${section}] '${key}' is ignored: ${why}`);
  }
  return { ingressControl: Object.freeze(ingress), notices };
}
