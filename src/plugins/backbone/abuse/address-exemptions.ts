import { BlockList, isIP } from 'node:net';

/**
 * A set of addresses and CIDR ranges (`127.0.0.0/8`, `::1`, `2001:db8::/32`) matched against
 * peer IPs, IPv4-mapped IPv6 included (net.BlockList handles that).
 */
export class AddressExemptions {
  private readonly list = new BlockList();

  /**
   * @param entries - addresses or CIDR ranges.
   * @throws Error naming the first entry that is neither.
   */
  constructor(readonly entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim();
      const slash = entry.indexOf('/');
      const address = slash === -1 ? entry : entry.slice(0, slash);
      const family = isIP(address);
      if (family === 0) throw new Error(`'${raw}' is not an IP address or CIDR range`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (slash === -1) {
        this.list.addAddress(address, type);
        continue;
      }
      const prefixText = entry.slice(slash + 1);
      const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) {
        throw new Error(`'${raw}' has an invalid prefix length`);
      }
      this.list.addSubnet(address, prefix, type);
    }
  }

  /** Whether `ip` is covered by any entry. */
  covers(ip: string): boolean {
    const family = isIP(ip);
    if (family === 0) return false;
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }
}
