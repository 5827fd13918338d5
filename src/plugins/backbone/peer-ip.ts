/**
 * Normalises a peer address for per-IP bookkeeping: an IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`, what a dual-stack listener reports for IPv4 peers) becomes `1.2.3.4`, so one
 * host is one entry whichever way it connected or an operator typed it; IPv6 is lowercased.
 */
export function normalizePeerIp(address: string): string {
  const lower = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped !== null ? (mapped[1] as string) : lower;
}

/**
 * A key that sorts IPs numerically, IPv4 before IPv6 (as rns-net sorts `IpAddr`): `10.0.0.2` after
 * `9.0.0.1`, which a plain string sort gets wrong. Anything unparsable sorts last, by its text.
 */
export function ipSortKey(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4 !== null) {
    return (
      '4' +
      v4
        .slice(1, 5)
        .map((octet) => Number(octet).toString(16).padStart(2, '0'))
        .join('')
    );
  }
  const [address = '', scope = ''] = ip.split('%');
  if (/^[0-9a-f:]+$/i.test(address) && address.includes(':')) {
    const [head = '', tail] = address.split('::');
    const headGroups = head.length > 0 ? head.split(':') : [];
    const tailGroups = tail !== undefined && tail.length > 0 ? tail.split(':') : [];
    const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
    const groups = [...headGroups, ...new Array<string>(missing).fill('0'), ...tailGroups];
    return '6' + groups.map((g) => g.toLowerCase().padStart(4, '0')).join('') + scope;
  }
  return '9' + ip;
}

/** Compares two IPs by {@link ipSortKey}. */
export function compareIps(a: string, b: string): number {
  const ka = ipSortKey(a);
  const kb = ipSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
