import { InterfaceSettings } from '../../core/interface-settings';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import { INGRESS_CONTROL_KEY_NAMES, readIngressControl } from './ingress-control-keys';
import { InterfaceDefaults, RELAY_INTERFACE_DEFAULTS } from './reticulum-section';

/** Python's lowest usable `bitrate` (Reticulum.MINIMUM_BITRATE). */
const MINIMUM_BITRATE = 5;

/** Python's default `announce_cap`, in percent of the bitrate. */
const DEFAULT_ANNOUNCE_CAP_PERCENT = 2;

/**
 * Keys Python RNS accepts on every interface section that configure features rns-net does not
 * have (interface discovery); they are accepted so a Python config works, and reported so nobody
 * believes they are in force. (IFAC keys are read by `readIfacKeys`.)
 */
const UNSUPPORTED_KEYS: ReadonlyMap<string, string> = new Map([
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
]);

/** Keys that only the transport engine applies. */
const TRANSPORT_KEYS: ReadonlySet<string> = new Set([
  ...INGRESS_CONTROL_KEY_NAMES,
  'announce_rate_target',
  'announce_rate_grace',
  'announce_rate_penalty',
  'announce_cap',
  'bitrate',
  'outgoing',
  'recursive_prs',
  'announces_from_internal',
  'announces_to_internal',
]);

/** What the node reads from an interface section besides the plugin's own keys. */
export interface InterfaceCommonKeys {
  /** The section's node-owned settings, all but the mode (read with the section) and the IFAC size (read with the IFAC keys). */
  readonly settings: Omit<InterfaceSettings, 'mode' | 'ifacSize'>;
  /** One line per key present that has no effect here, naming the key and why. */
  readonly notices: readonly string[];
}

/**
 * Reads the node-owned keys of an interface section, over the `[reticulum]` defaults.
 *
 * Announce rates follow Python: a section's `announce_rate_target` brings grace and penalty 0
 * unless they are set too; with transport on, what the section leaves unset comes from
 * `[reticulum] default_ar_*` or Python's transport defaults (3600 s, 5, 0). A target of 0 turns
 * the limit off for the interface (Python ignores 0 and applies its default).
 *
 * @throws {@link ConfigError} naming the section and key for a value that cannot be used:
 *   negative counts and durations, `announce_cap` outside (0, 100], `bitrate` under 5.
 */
export function readInterfaceCommonKeys(
  section: string,
  params: ConfigParams,
  defaults: InterfaceDefaults = RELAY_INTERFACE_DEFAULTS,
): InterfaceCommonKeys {
  const reader = new ConfigParamReader(section, params);
  const ingressControl = readIngressControl(reader, defaults.ingressControl, true);

  let target = reader.number('announce_rate_target', { min: 0 });
  let grace = reader.count('announce_rate_grace');
  let penalty = reader.number('announce_rate_penalty', { min: 0 });
  if (target !== undefined) {
    grace ??= 0;
    penalty ??= 0;
  }
  if (target === 0) target = undefined;
  const explicitOff = reader.has('announce_rate_target') && target === undefined;

  const capPercent = reader.number('announce_cap', { min: 0 });
  if (capPercent !== undefined && (capPercent <= 0 || capPercent > 100)) {
    throw reader.error('announce_cap', `must be a percentage in (0, 100], got '${capPercent}'`);
  }
  const bitrate = reader.number('bitrate', { min: MINIMUM_BITRATE, integer: true });

  const settings: Omit<InterfaceSettings, 'mode' | 'ifacSize'> = Object.freeze({
    outgoing: reader.boolean('outgoing') ?? true,
    bitrate: bitrate ?? null,
    announceCap: (capPercent ?? DEFAULT_ANNOUNCE_CAP_PERCENT) / 100,
    announceRateTarget: explicitOff ? null : (target ?? defaults.announceRateTarget),
    announceRateGrace: grace ?? defaults.announceRateGrace,
    announceRatePenalty: penalty ?? defaults.announceRatePenalty,
    ingressControl,
    recursivePathRequests: reader.boolean('recursive_prs') ?? false,
    announcesFromInternal: reader.boolean('announces_from_internal') ?? true,
    announcesToInternal: reader.boolean('announces_to_internal') ?? null,
  });

  const notices: string[] = [];
  for (const key of Object.keys(params)) {
    const why =
      UNSUPPORTED_KEYS.get(key) ??
      (!defaults.transport && TRANSPORT_KEYS.has(key)
        ? 'only the transport engine applies it ([reticulum] enable_transport = yes)'
        : undefined);
    if (why !== undefined) notices.push(`[${section}] '${key}' is ignored: ${why}`);
  }
  return { settings, notices };
}
