import { ConfigParamReader } from '../registry/config-params';
import { NetworkInterfaceTable, resolveDeviceAddress } from './network-device-address';

/** Reads a string key that must not be blank (a host, an address, a device name), trimmed. */
export function nonEmptyString(reader: ConfigParamReader, key: string): string | undefined {
  const value = reader.string(key);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.length === 0) throw reader.error(key, 'must not be empty');
  return trimmed;
}

/**
 * Reads `device` (a network interface name) and `prefer_ipv6`, as Python's TCP and Backbone
 * servers do, and resolves the device to the address to bind (see {@link resolveDeviceAddress}).
 *
 * @returns the address, or undefined when the section names no device
 * @throws {@link ConfigError} on `device` when the host has no such interface with an address
 */
export function readDeviceAddress(
  reader: ConfigParamReader,
  networkInterfaces?: NetworkInterfaceTable,
): string | undefined {
  const preferIpv6 = reader.boolean('prefer_ipv6') ?? false;
  const device = nonEmptyString(reader, 'device');
  if (device === undefined) return undefined;
  const address = resolveDeviceAddress(device, preferIpv6, networkInterfaces);
  if (address === undefined) {
    throw reader.error('device', `no network interface named '${device}' with an address`);
  }
  return address;
}
