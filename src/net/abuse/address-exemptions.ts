import { BlockList, isIP } from 'node:net';
import { normalizeCidr } from '../../core/ip-address';

/**
 * A set of addresses and CIDR ranges (`127.0.0.0/8`, `::1`, `2001:db8::/32`) matched against
 * peer IPs. Entries are read by `normalizeCidr`, so any spelling of an address works and a zone
 * id is refused; net.BlockList matches IPv4 peers against IPv4-mapped ranges and back.
 */
export class AddressExemptions {
  private readonly list = new BlockList();

  /**
   * @param entries - addresses or CIDR ranges.
   * @throws Error naming the first entry that is neither.
   */
  constructor(readonly entries: readonly string[]) {
    for (const raw of entries) {
      const entry = normalizeCidr(raw);
      if (entry === undefined) throw new Error(`'${raw}' is not an IP address or CIDR range`);
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
  }

  /** Whether `ip` is covered by any entry. */
  covers(ip: string): boolean {
    // BlockList.check builds a SocketAddress per call: skip it when there is nothing to match.
    if (this.entries.length === 0) return false;
    const family = isIP(ip);
    if (family === 0) return false;
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }
}
