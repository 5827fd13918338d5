import { parseAbuseSettings } from './abuse/parse-abuse-settings';
import { InterfaceId } from '../../core/interface-id';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import {
  BackboneClientConfig,
  BackboneClientRuntime,
  BackboneConfig,
  BackboneServerConfig,
  BackboneServerRuntime,
} from './backbone-config';
import {
  DEFAULT_BACKBONE_PORT,
  DEFAULT_CONNECT_TIMEOUT_SECS,
  DEFAULT_LISTEN_IP,
  DEFAULT_RECONNECT_WAIT_SECS,
  DEFAULT_WRITE_STALL_TIMEOUT_SECS,
  MIN_RECONNECT_WAIT_SECS,
} from './backbone-constants';
import { NetworkInterfaceTable, resolveDeviceAddress } from './network-device-address';
import { secondsToMs } from './seconds-to-ms';

/** Options of {@link parseBackboneConfig}, for tests. */
export interface ParseBackboneConfigOptions {
  /** The host's network interfaces used to resolve `device`; defaults to `os.networkInterfaces()`. */
  readonly networkInterfaces?: NetworkInterfaceTable;
}

/**
 * Server duration keys: config key (seconds, fractions allowed, 0 = off) -> runtime field
 * (milliseconds), and the value when the key is absent (off, unless given).
 */
const SERVER_DURATION_KEYS: ReadonlyArray<{
  readonly key: string;
  readonly field: Exclude<keyof BackboneServerRuntime, 'maxConnections'>;
  readonly defaultSecs?: number;
}> = [
  { key: 'idle_timeout', field: 'idleTimeoutMs' },
  { key: 'write_stall_timeout', field: 'writeStallTimeoutMs', defaultSecs: DEFAULT_WRITE_STALL_TIMEOUT_SECS },
  { key: 'max_penalty_duration', field: 'maxPenaltyDurationMs' },
];

/**
 * Parses a `BackboneInterface` section: client mode when `remote` or `target_host` is present,
 * server mode otherwise. Every value that is present must parse; a bad value is a
 * {@link ConfigError} naming the section and key, never a silent default.
 *
 * Key precedence follows Python RNS, which copies its aliases over the canonical keys before it
 * builds the interface: `port` wins over `listen_port`/`target_port`, `remote` over `target_host`,
 * `listen_on` over `listen_ip`, and `device` over both listen addresses.
 *
 * Keys the plugin does not know are returned in `unknownKeys`, so the interface can warn about
 * them when it starts (the node keeps the keys it owns to itself: none of them is here).
 *
 * @throws {@link ConfigError} when a value cannot be used.
 */
export function parseBackboneConfig(
  name: string,
  id: InterfaceId,
  params: ConfigParams,
  options: ParseBackboneConfigOptions = {},
): BackboneConfig {
  const reader = new ConfigParamReader(name, params);
  const config = reader.firstPresent('remote', 'target_host')
    ? parseClient(reader, name, id)
    : parseServer(reader, name, id, options);
  const unknownKeys = reader.unusedKeys();
  return { ...config, unknownKeys };
}

/** Reads a non-empty string (a host or an address). */
function nonEmptyString(reader: ConfigParamReader, key: string): string | undefined {
  const value = reader.string(key);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.length === 0) throw reader.error(key, 'must not be empty');
  return trimmed;
}

/**
 * Reads every alias of a port (so each is validated) and returns the winning one. A listening
 * port may be 0: any free port.
 */
function portWithAlias(reader: ConfigParamReader, canonical: string, alias: string, listen = false): number {
  const read = (key: string) => (listen ? reader.listenPort(key) : reader.port(key));
  const canonicalValue = read(canonical);
  const aliasValue = read(alias);
  return aliasValue ?? canonicalValue ?? DEFAULT_BACKBONE_PORT;
}

function parseServer(
  reader: ConfigParamReader,
  name: string,
  id: InterfaceId,
  options: ParseBackboneConfigOptions,
): BackboneServerConfig {
  const listenIp = readListenAddress(reader, options);
  const listenPort = portWithAlias(reader, 'listen_port', 'port', true);
  const startup: BackboneServerRuntime = {
    maxConnections: reader.count('max_connections') ?? 0,
    idleTimeoutMs: 0,
    writeStallTimeoutMs: 0,
    maxPenaltyDurationMs: 0,
  };
  for (const { key, field, defaultSecs } of SERVER_DURATION_KEYS) {
    startup[field] = secondsToMs(reader.seconds(key) ?? defaultSecs ?? 0);
  }
  const abuse = Object.freeze(parseAbuseSettings(reader));
  return { mode: 'server', name, id, listenIp, listenPort, startup: Object.freeze(startup), abuse };
}

/** `device` (a network interface name) wins, then `listen_on`, then `listen_ip`, then 0.0.0.0. */
function readListenAddress(reader: ConfigParamReader, options: ParseBackboneConfigOptions): string {
  const listenIp = nonEmptyString(reader, 'listen_ip');
  const listenOn = nonEmptyString(reader, 'listen_on');
  const preferIpv6 = reader.boolean('prefer_ipv6') ?? false;
  const device = nonEmptyString(reader, 'device');
  if (device !== undefined) {
    const address = resolveDeviceAddress(device, preferIpv6, options.networkInterfaces);
    if (address === undefined) {
      throw reader.error('device', `no network interface named '${device}' with an address`);
    }
    return address;
  }
  return listenOn ?? listenIp ?? DEFAULT_LISTEN_IP;
}

function parseClient(reader: ConfigParamReader, name: string, id: InterfaceId): BackboneClientConfig {
  const targetHostValue = nonEmptyString(reader, 'target_host');
  const remote = nonEmptyString(reader, 'remote');
  const targetHost = remote ?? targetHostValue;
  if (targetHost === undefined) throw reader.error('target_host', 'must not be empty');
  const targetPort = portWithAlias(reader, 'target_port', 'port');
  const transportIdentity = nonEmptyString(reader, 'transport_identity') ?? null;
  const startup: BackboneClientRuntime = {
    reconnectWaitMs: secondsToMs(
      reader.seconds('reconnect_wait', MIN_RECONNECT_WAIT_SECS) ?? DEFAULT_RECONNECT_WAIT_SECS,
    ),
    maxReconnectTries: reader.count('max_reconnect_tries') ?? 0,
    connectTimeoutMs: secondsToMs(reader.seconds('connect_timeout') ?? DEFAULT_CONNECT_TIMEOUT_SECS),
    writeStallTimeoutMs: secondsToMs(
      reader.seconds('write_stall_timeout') ?? DEFAULT_WRITE_STALL_TIMEOUT_SECS,
    ),
  };
  return {
    mode: 'client',
    name,
    id,
    targetHost,
    targetPort,
    transportIdentity,
    startup: Object.freeze(startup),
  };
}
