/** Fixed values of Python's `UDPInterface` that are not config keys. */

/** The registry type name, as config sections spell it. */
export const UDP_TYPE_NAME = 'UDPInterface';

/** Python's `HW_MTU` of the UDP interface: the largest datagram carried, in bytes. */
export const UDP_HW_MTU = 1064;

/** Python's `BITRATE_GUESS`: 10 Mbit/s. */
export const UDP_BITRATE = 10_000_000;

/** Python's `DEFAULT_IFAC_SIZE` of the UDP interface. */
export const UDP_IFAC_SIZE = 16;

/**
 * The longest datagram read (Python's `UDPServer.max_packet_size`): Python truncates a longer one
 * to this, a packet that cannot parse; here it is dropped and counted. Room above HW_MTU keeps a
 * full-size packet with its access code.
 */
export const UDP_MAX_DATAGRAM = 8192;

/**
 * Datagrams handed to the socket and not yet sent, beyond which a packet is refused with
 * `buffer_full`: sends complete within a turn or two on a live network, so only a stuck route
 * (or a flood the kernel cannot take) reaches it, and the queue's memory stays under 70 KiB.
 */
export const UDP_MAX_QUEUED_DATAGRAMS = 64;
