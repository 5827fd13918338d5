import { RETICULUM_MTU } from '../../core/constants';
import { InterfaceId } from '../../core/interface-id';
import { nonEmptyString, readDeviceAddress } from '../../net/net-config';
import { DEFAULT_CONNECT_TIMEOUT_SECS, DEFAULT_WRITE_STALL_TIMEOUT_SECS } from '../../net/net-constants';
import { NetworkInterfaceTable } from '../../net/network-device-address';
import { secondsToMs } from '../../net/seconds-to-ms';
import { readServerSettings } from '../../net/server/server-settings';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import { TcpClientConfig, TcpServerConfig } from './tcp-config';
import {
  TCP_CLIENT_KEY_PREFIX,
  TCP_CLIENT_TYPE_NAME,
  TCP_RECONNECT_WAIT_MS,
  TCP_SERVER_KEY_PREFIX,
  TCP_SERVER_TYPE_NAME,
  tcpLink,
} from './tcp-constants';

/** Options of {@link parseTcpServerConfig}, for tests. */
export interface ParseTcpServerOptions {
  /** The host's network interfaces used to resolve `device`; defaults to `os.networkInterfaces()`. */
  readonly networkInterfaces?: NetworkInterfaceTable;
}

/**
 * Parses a `TCPServerInterface` section with Python's keys and rules: a port is required
 * (`port` wins over `listen_port`; 0 binds any free port), and an address: `device` (a network
 * interface, resolved to its first IPv4 address, or IPv6 with `prefer_ipv6`) wins over
 * `listen_ip`. `i2p_tunneled` lengthens the keepalive delay; `kiss_framing` frames with KISS
 * (Python's server ignores the key and always frames HDLC). The keys every stream server shares
 * (`max_connections`, timeouts, abuse defence) apply too.
 *
 * @throws {@link ConfigError} naming the section and key when a value cannot be used.
 */
export function parseTcpServerConfig(
  name: string,
  id: InterfaceId,
  params: ConfigParams,
  options: ParseTcpServerOptions = {},
): TcpServerConfig {
  const reader = new ConfigParamReader(name, params);
  const listenPortKey = reader.listenPort('listen_port');
  const listenPort = reader.listenPort('port') ?? listenPortKey;
  if (listenPort === undefined) {
    throw reader.error('listen_port', 'no TCP port configured: set listen_port (or port)');
  }
  const listenIpKey = nonEmptyString(reader, 'listen_ip');
  const listenIp = readDeviceAddress(reader, options.networkInterfaces) ?? listenIpKey;
  if (listenIp === undefined) {
    throw reader.error('listen_ip', 'no TCP bind IP configured: set listen_ip (or device)');
  }
  const preferIpv6 = reader.boolean('prefer_ipv6') ?? false;
  const link = tcpLink({
    typeName: TCP_SERVER_TYPE_NAME,
    settingsPrefix: TCP_SERVER_KEY_PREFIX,
    kissFraming: reader.boolean('kiss_framing') ?? false,
    i2pTunneled: reader.boolean('i2p_tunneled') ?? false,
  });
  const { startup, abuse } = readServerSettings(reader);
  return {
    name,
    id,
    listenIp,
    listenPort,
    preferIpv6,
    link,
    startup,
    abuse,
    unknownKeys: reader.unusedKeys(),
  };
}

/**
 * Parses a `TCPClientInterface` section with Python's keys and rules: `target_host` and
 * `target_port` are required; `kiss_framing` (KISS, and no tunnel over it), `i2p_tunneled`
 * (a longer keepalive delay), `connect_timeout` (seconds, default 5), `max_reconnect_tries`
 * (absent: unlimited; 0: never retry), `fixed_mtu` (a fixed hardware MTU of at least 500 bytes;
 * 0, as in Python, is none). The client reconnects after Python's fixed 5 s. `write_stall_timeout`
 * (ours, default 30 s) applies too.
 *
 * @throws {@link ConfigError} naming the section and key when a value cannot be used.
 */
export function parseTcpClientConfig(name: string, id: InterfaceId, params: ConfigParams): TcpClientConfig {
  const reader = new ConfigParamReader(name, params);
  const targetHost = nonEmptyString(reader, 'target_host');
  if (targetHost === undefined) throw reader.error('target_host', 'is required: the host to connect to');
  const targetPort = reader.port('target_port');
  if (targetPort === undefined) throw reader.error('target_port', 'is required: the port to connect to');
  const kissFraming = reader.boolean('kiss_framing') ?? false;
  const fixedMtu = reader.number('fixed_mtu', { integer: true, min: 0 });
  if (fixedMtu !== undefined && fixedMtu !== 0 && fixedMtu < RETICULUM_MTU) {
    throw reader.error(
      'fixed_mtu',
      `configured MTU of ${fixedMtu} bytes is too small (at least ${RETICULUM_MTU})`,
    );
  }
  const link = tcpLink({
    typeName: TCP_CLIENT_TYPE_NAME,
    settingsPrefix: TCP_CLIENT_KEY_PREFIX,
    kissFraming,
    i2pTunneled: reader.boolean('i2p_tunneled') ?? false,
    ...(fixedMtu !== undefined && fixedMtu !== 0 ? { fixedMtu } : {}),
  });
  const startup = Object.freeze({
    reconnectWaitMs: TCP_RECONNECT_WAIT_MS,
    maxReconnectTries: reader.count('max_reconnect_tries') ?? null,
    connectTimeoutMs: secondsToMs(reader.seconds('connect_timeout') ?? DEFAULT_CONNECT_TIMEOUT_SECS),
    writeStallTimeoutMs: secondsToMs(
      reader.seconds('write_stall_timeout') ?? DEFAULT_WRITE_STALL_TIMEOUT_SECS,
    ),
  });
  return {
    name,
    id,
    targetHost,
    targetPort,
    link,
    startup,
    reconnect: 'fixed',
    wantsTunnel: !kissFraming,
    unknownKeys: reader.unusedKeys(),
  };
}
