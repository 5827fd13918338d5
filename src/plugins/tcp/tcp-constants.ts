/**
 * Fixed values of Python's TCP interfaces (`RNS/Interfaces/TCPInterface.py`) that are not config
 * keys.
 */
import { HDLC_FRAMING, KISS_FRAMING } from '../../core/stream-framing';
import { StreamLink } from '../../net/stream-link';

/** The registry type name of the listener, as config sections spell it. */
export const TCP_SERVER_TYPE_NAME = 'TCPServerInterface';

/** The registry type name of the client. */
export const TCP_CLIENT_TYPE_NAME = 'TCPClientInterface';

/** Python's `TCPInterface.HW_MTU`: 256 KiB. */
export const TCP_HW_MTU = 262_144;

/** Python's `BITRATE_GUESS` of both TCP interfaces: 10 Mbit/s. */
export const TCP_BITRATE = 10_000_000;

/** Python's `DEFAULT_IFAC_SIZE` of both TCP interfaces. */
export const TCP_IFAC_SIZE = 16;

/** Keepalive probes start after 5 s of silence (Python's `TCP_PROBE_AFTER`). */
export const TCP_KEEPALIVE_DELAY_MS = 5_000;

/**
 * With `i2p_tunneled`, after 10 s (Python's `I2P_PROBE_AFTER`): an I2P tunnel is slower to answer.
 * Node sets only this delay; Python's probe interval and count and its I2P user timeout stay the
 * kernel's.
 */
export const I2P_KEEPALIVE_DELAY_MS = 10_000;

/** Python's fixed `RECONNECT_WAIT` of the TCP client, in milliseconds. */
export const TCP_RECONNECT_WAIT_MS = 5_000;

/** The key family of TCP server settings: `tcp_server.<interface>.<setting>`. */
export const TCP_SERVER_KEY_PREFIX = 'tcp_server';

/** The key family of TCP client settings: `tcp_client.<interface>.<setting>`. */
export const TCP_CLIENT_KEY_PREFIX = 'tcp_client';

/**
 * The link of a TCP section: Python's MTU and bitrate, HDLC unless `kiss_framing`, the keepalive
 * delay of `i2p_tunneled`, and a fixed MTU when `fixed_mtu` is set.
 */
export function tcpLink(options: {
  readonly typeName: string;
  readonly settingsPrefix: string;
  readonly kissFraming: boolean;
  readonly i2pTunneled: boolean;
  readonly fixedMtu?: number;
}): StreamLink {
  return Object.freeze({
    typeName: options.typeName,
    settingsPrefix: options.settingsPrefix,
    bitrate: TCP_BITRATE,
    hwMtu: options.fixedMtu ?? TCP_HW_MTU,
    autoconfigureMtu: options.fixedMtu === undefined,
    framing: options.kissFraming ? KISS_FRAMING : HDLC_FRAMING,
    keepaliveInitialDelayMs: options.i2pTunneled ? I2P_KEEPALIVE_DELAY_MS : TCP_KEEPALIVE_DELAY_MS,
  });
}
