import { InterfaceSettings } from '../../core/interface-settings';
import { ConfigParamReader, ConfigParams, ConfigValue } from '../../registry/config-params';
import { DEFAULT_IFAC_SIZE } from '../../registry/interface-factory';
import { IfacSettings, readIfacKeys } from './ifac-keys';
import { INGRESS_CONTROL_KEY_NAMES, readIngressControl } from './ingress-control-keys';
import { InterfaceDefaults, RELAY_INTERFACE_DEFAULTS } from './reticulum-section';

/** Python's lowest usable `bitrate` (Reticulum.MINIMUM_BITRATE). */
const MINIMUM_BITRATE = 5;

/** Python's default `announce_cap`, in percent of the bitrate. */
const DEFAULT_ANNOUNCE_CAP_PERCENT = 2;

/**
 * What the node does with a key of an interface section it owns:
 * - `section`: decides whether and how the section starts (type, enabled, mode);
 * - `transport`: how the transport engine treats the interface ({@link InterfaceSettings});
 * - `access`: the interface access code (IFAC);
 * - `ignored`: a Python key for a feature rns-net does not have, accepted so a Python config
 *   works and reported so nobody believes it is in force.
 */
export type NodeKeyUse = 'section' | 'transport' | 'access' | 'ignored';

const DISCOVERY = 'interface discovery is not implemented';

/**
 * The one list of the interface-section keys the node owns: every key Python RNS reads on any
 * interface section before it hands the section to the interface class. The node reads them;
 * the plugin never sees them (so its unknown-key report never names one).
 */
const NODE_KEYS: ReadonlyMap<string, NodeKeyUse> = new Map<string, NodeKeyUse>([
  ...keys('section', ['type', 'enabled', 'interface_enabled', 'mode', 'interface_mode']),
  ...keys('transport', [
    'outgoing',
    'bitrate',
    'announce_cap',
    'announce_rate_target',
    'announce_rate_grace',
    'announce_rate_penalty',
    'recursive_prs',
    'announces_from_internal',
    'announces_to_internal',
    ...INGRESS_CONTROL_KEY_NAMES,
  ]),
  ...keys('access', ['networkname', 'network_name', 'passphrase', 'pass_phrase', 'ifac_size']),
  ...keys('ignored', [
    'discoverable',
    'discovery_name',
    'discovery_stamp_value',
    'discovery_encrypt',
    'discovery_frequency',
    'discovery_bandwidth',
    'discovery_modulation',
    'announce_interval',
    'reachable_on',
    'publish_ifac',
    'location_cmd',
    'latitude',
    'lat',
    'longitude',
    'lon',
    'height',
    'gravity',
    'bootstrap_only',
    'ignore_config_warnings',
  ]),
]);

function keys(use: NodeKeyUse, names: Iterable<string>): Array<[string, NodeKeyUse]> {
  return [...names].map((name) => [name, use]);
}

/** What the node does with `key` of an interface section, or undefined when the plugin owns it. */
export function nodeKeyUse(key: string): NodeKeyUse | undefined {
  return NODE_KEYS.get(key);
}

/** Every interface-section key the node owns. */
export const NODE_INTERFACE_KEYS: ReadonlySet<string> = new Set(NODE_KEYS.keys());

/**
 * Splits an interface section's keys: `node` gets the keys the node owns besides the `section`
 * ones (those are read with the section itself), `plugin` everything else. Null-prototype
 * records, so a key such as `__proto__` stays a key.
 */
export function splitInterfaceKeys(all: ConfigParams): { node: ConfigParams; plugin: ConfigParams } {
  const node = nullRecord();
  const plugin = nullRecord();
  for (const [key, value] of Object.entries(all)) {
    const use = NODE_KEYS.get(key);
    if (use === undefined) plugin[key] = value;
    else if (use !== 'section') node[key] = value;
  }
  return { node: Object.freeze(node), plugin: Object.freeze(plugin) };
}

/** What the node reads from the keys it owns in an interface section. */
export interface NodeInterfaceKeys {
  /** The section's node-owned settings, all but the mode (read with the section itself). */
  readonly settings: Omit<InterfaceSettings, 'mode'>;
  /** The access code settings, or null for an open interface. */
  readonly ifac: IfacSettings | null;
  /** One line per key present that has no effect here, naming the key and why. */
  readonly notices: readonly string[];
}

/**
 * Reads the node-owned keys of an interface section (the `node` part of
 * {@link splitInterfaceKeys}), over the `[reticulum]` defaults.
 *
 * Announce rates follow Python: a section's `announce_rate_target` brings grace and penalty 0
 * unless they are set too; with transport on, what the section leaves unset comes from
 * `[reticulum] default_ar_*` or Python's transport defaults (3600 s, 5, 0). A target of 0 turns
 * the limit off for the interface (Python ignores 0 and applies its default).
 *
 * @param defaultIfacSize - the access code length without `ifac_size`: the plugin's
 *   `defaultIfacSize`.
 * @throws {@link ConfigError} naming the section and key for a value that cannot be used:
 *   negative counts and durations, `announce_cap` outside (0, 100], `bitrate` under 5, an
 *   `ifac_size` outside 8..512 bits.
 */
export function readNodeInterfaceKeys(
  section: string,
  params: ConfigParams,
  defaults: InterfaceDefaults = RELAY_INTERFACE_DEFAULTS,
  defaultIfacSize: number = DEFAULT_IFAC_SIZE,
): NodeInterfaceKeys {
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
  const ifac = readIfacKeys(section, params, defaultIfacSize);

  const settings: Omit<InterfaceSettings, 'mode'> = Object.freeze({
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
    ifacSize: ifac?.size ?? null,
  });

  const notices: string[] = [];
  for (const key of Object.keys(params)) {
    const use = NODE_KEYS.get(key);
    const why =
      use === 'ignored'
        ? DISCOVERY
        : use === 'transport' && !defaults.transport
          ? 'only the transport engine applies it ([reticulum] enable_transport = yes)'
          : undefined;
    if (why !== undefined) notices.push(`[${section}] '${key}' is ignored: ${why}`);
  }
  return { settings, ifac, notices };
}

function nullRecord(): Record<string, ConfigValue> {
  return Object.create(null) as Record<string, ConfigValue>;
}
