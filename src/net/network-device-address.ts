import { networkInterfaces, NetworkInterfaceInfo } from 'node:os';

/** The network interfaces of the host, as `os.networkInterfaces()` returns them. */
export type NetworkInterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * Resolves a network interface name (a `device` config value such as `eth0`) to the address a
 * listener should bind, as Python's BackboneInterface does: the first IPv4 address, unless
 * `preferIpv6` is set or the device has no IPv4 address, then the first IPv6 address. A link-local
 * IPv6 address gets the `%device` scope suffix, without which it cannot be bound.
 *
 * @param device - the interface name.
 * @param preferIpv6 - pick IPv6 when the device has both families.
 * @param table - the host's interfaces (injectable for tests); defaults to `os.networkInterfaces()`.
 * @returns the address, or `undefined` when the device is unknown or has no address.
 */
export function resolveDeviceAddress(
  device: string,
  preferIpv6: boolean,
  table: NetworkInterfaceTable = networkInterfaces(),
): string | undefined {
  const addresses = table[device];
  if (addresses === undefined || addresses.length === 0) return undefined;
  const ipv4 = addresses.find((a) => a.family === 'IPv4');
  const ipv6 = addresses.find((a) => a.family === 'IPv6');
  if (ipv6 !== undefined && (preferIpv6 || ipv4 === undefined)) {
    return ipv6.address.toLowerCase().startsWith('fe80:') ? `${ipv6.address}%${device}` : ipv6.address;
  }
  return ipv4?.address;
}
