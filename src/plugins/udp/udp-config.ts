import { isIPv6 } from 'node:net';
import { InterfaceId } from '../../core/interface-id';
import { nonEmptyString } from '../../net/net-config';
import { deviceBroadcastAddress, NetworkInterfaceTable } from '../../net/network-device-address';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';

/** A parsed `UDPInterface` section: where it listens and where it sends, either may be absent. */
export interface UdpConfig {
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** IPv4 address and port to receive on (port 0: any free port); null: the interface only sends. */
  readonly listen: { readonly ip: string; readonly port: number } | null;
  /** IPv4 address (unicast or broadcast) and port to send to; null: the interface only receives. */
  readonly forward: { readonly ip: string; readonly port: number } | null;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys: readonly string[];
}

/** Options of {@link parseUdpConfig}, for tests. */
export interface ParseUdpOptions {
  /** The host's network interfaces used to resolve `device`; defaults to `os.networkInterfaces()`. */
  readonly networkInterfaces?: NetworkInterfaceTable;
}

/**
 * Parses a `UDPInterface` section with Python's keys and rules: `listen_ip`/`listen_port` to
 * receive, `forward_ip`/`forward_port` to send; `port` fills whichever of the two ports is
 * missing; `device` (a network interface) fills whichever address is missing with the device's
 * IPv4 broadcast address. IPv4 only, as in Python. A section with neither a complete listen nor a
 * complete forward pair does nothing in Python; here it is an error.
 *
 * @throws {@link ConfigError} naming the section and key when a value cannot be used.
 */
export function parseUdpConfig(
  name: string,
  id: InterfaceId,
  params: ConfigParams,
  options: ParseUdpOptions = {},
): UdpConfig {
  const reader = new ConfigParamReader(name, params);
  const port = reader.port('port');
  const listenPort = reader.listenPort('listen_port') ?? port;
  const forwardPort = reader.port('forward_port') ?? port;
  let listenIp = ipv4(reader, 'listen_ip');
  let forwardIp = ipv4(reader, 'forward_ip');
  const device = nonEmptyString(reader, 'device');
  if (device !== undefined) {
    const broadcast = deviceBroadcastAddress(device, options.networkInterfaces);
    if (broadcast === undefined) {
      throw reader.error('device', `no network interface named '${device}' with an IPv4 address`);
    }
    listenIp ??= broadcast;
    forwardIp ??= broadcast;
  }
  const listen =
    listenIp !== undefined && listenPort !== undefined ? { ip: listenIp, port: listenPort } : null;
  const forward =
    forwardIp !== undefined && forwardPort !== undefined ? { ip: forwardIp, port: forwardPort } : null;
  if (listen === null && forward === null) {
    throw reader.error(
      'listen_ip',
      'no address to listen on or send to: set listen_ip and listen_port, forward_ip and forward_port (or port), or device',
    );
  }
  return { name, id, listen, forward, unknownKeys: reader.unusedKeys() };
}

/** Reads an address key: an IPv4 address or a host name (Python binds and sends with AF_INET only). */
function ipv4(reader: ConfigParamReader, key: string): string | undefined {
  const value = nonEmptyString(reader, key);
  if (value !== undefined && isIPv6(value))
    throw reader.error(key, `UDPInterface is IPv4 only, got '${value}'`);
  return value;
}
