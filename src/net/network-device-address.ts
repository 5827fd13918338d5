import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
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

/**
 * The address to bind for a listen host, as Python's TCP server picks it: an address as it is; a
 * host name resolved, taking its first address of the preferred family (IPv6 with `preferIpv6`,
 * else IPv4), or its first address when it has none of that family.
 *
 * @throws the resolver's error when the name does not resolve
 */
export async function resolveListenHost(host: string, preferIpv6: boolean): Promise<string> {
  if (isIP(host.split('%')[0] ?? host) !== 0) return host;
  const addresses = await lookup(host, { all: true });
  const wanted = preferIpv6 ? 6 : 4;
  const chosen = addresses.find((a) => a.family === wanted) ?? addresses[0];
  if (chosen === undefined) throw new Error(`'${host}' resolves to no address`);
  return chosen.address;
}

/**
 * The IPv4 broadcast address of a network interface (its first IPv4 address with every host bit
 * set), as Python's UDPInterface listens and sends on it for `device`.
 *
 * @returns the address, or `undefined` when the device is unknown or has no IPv4 address.
 */
export function deviceBroadcastAddress(
  device: string,
  table: NetworkInterfaceTable = networkInterfaces(),
): string | undefined {
  const ipv4 = table[device]?.find((a) => a.family === 'IPv4');
  if (ipv4 === undefined) return undefined;
  const octets = ipv4.address.split('.').map(Number);
  const mask = ipv4.netmask.split('.').map(Number);
  return octets.map((octet, i) => (octet | (~(mask[i] ?? 255) & 255)) & 255).join('.');
}
