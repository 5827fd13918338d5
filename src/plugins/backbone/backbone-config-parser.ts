import { InterfaceId } from '../../core/interface-id';
import { ClientRuntime } from '../../net/client/client-config';
import { nonEmptyString, readDeviceAddress } from '../../net/net-config';
import {
  DEFAULT_CONNECT_TIMEOUT_SECS,
  DEFAULT_RECONNECT_WAIT_SECS,
  DEFAULT_WRITE_STALL_TIMEOUT_SECS,
  MIN_RECONNECT_WAIT_SECS,
} from '../../net/net-constants';
import { NetworkInterfaceTable } from '../../net/network-device-address';
import { secondsToMs } from '../../net/seconds-to-ms';
import { readServerSettings } from '../../net/server/server-settings';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import { BackboneClientConfig, BackboneConfig, BackboneServerConfig } from './backbone-config';
import {
  BACKBONE_CLIENT_LINK,
  BACKBONE_SERVER_LINK,
  DEFAULT_BACKBONE_PORT,
  DEFAULT_LISTEN_IP,
} from './backbone-constants';

/** Options of {@link parseBackboneConfig}, for tests. */
export interface ParseBackboneConfigOptions {
  /** The host's network interfaces used to resolve `device`; defaults to `os.networkInterfaces()`. */
  readonly networkInterfaces?: NetworkInterfaceTable;
}

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

/**
 * Parses a `BackboneClientInterface` section: always a client (Python maps the type to its
 * Backbone client), with the client keys and aliases of {@link parseBackboneConfig}.
 *
 * @throws {@link ConfigError} when a value cannot be used or no `target_host`/`remote` is set.
 */
export function parseBackboneClientConfig(
  name: string,
  id: InterfaceId,
  params: ConfigParams,
): BackboneClientConfig {
  const reader = new ConfigParamReader(name, params);
  const config = parseClient(reader, name, id);
  return { ...config, unknownKeys: reader.unusedKeys() };
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
  const { startup, abuse } = readServerSettings(reader);
  return { mode: 'server', name, id, listenIp, listenPort, link: BACKBONE_SERVER_LINK, startup, abuse };
}

/** `device` (a network interface name) wins, then `listen_on`, then `listen_ip`, then 0.0.0.0. */
function readListenAddress(reader: ConfigParamReader, options: ParseBackboneConfigOptions): string {
  const listenIp = nonEmptyString(reader, 'listen_ip');
  const listenOn = nonEmptyString(reader, 'listen_on');
  return readDeviceAddress(reader, options.networkInterfaces) ?? listenOn ?? listenIp ?? DEFAULT_LISTEN_IP;
}

function parseClient(reader: ConfigParamReader, name: string, id: InterfaceId): BackboneClientConfig {
  const targetHostValue = nonEmptyString(reader, 'target_host');
  const remote = nonEmptyString(reader, 'remote');
  const targetHost = remote ?? targetHostValue;
  if (targetHost === undefined) throw reader.error('target_host', 'is required: the host to connect to');
  const targetPort = portWithAlias(reader, 'target_port', 'port');
  const transportIdentity = nonEmptyString(reader, 'transport_identity') ?? null;
  const startup: ClientRuntime = {
    reconnectWaitMs: secondsToMs(
      reader.seconds('reconnect_wait', MIN_RECONNECT_WAIT_SECS) ?? DEFAULT_RECONNECT_WAIT_SECS,
    ),
    maxReconnectTries: reader.count('max_reconnect_tries') ?? null,
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
    link: BACKBONE_CLIENT_LINK,
    transportIdentity,
    startup: Object.freeze(startup),
  };
}
