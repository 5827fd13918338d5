import { isIP } from 'node:net';

/**
 * IP addresses as peer state keys them. Every address that reaches peer state (a peer's socket
 * address, an operator's blacklist or clear, a `penalty_exempt` entry) goes through
 * {@link normalizeIp} first, so one host is one key however it was spelled:
 *
 * - IPv4 is dotted decimal (`net.isIP` refuses leading zeros and other forms).
 * - An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, also written `::ffff:102:304`) is the IPv4
 *   address: a dual-stack listener reports IPv4 peers that way.
 * - Other IPv6 is written as RFC 5952 says: lower case, no leading zeros, the longest run of two
 *   or more zero groups (the first of equal runs) shortened to `::`, IPv4 tails as hex groups.
 * - A zone id (`fe80::1%eth0`) is refused: it names a local interface, not the host, and peer
 *   addresses never carry one, so such an entry could never match.
 */

/** Parsed IPv6: eight 16-bit groups. */
type Groups = readonly number[];

/**
 * The canonical spelling of an IP address (see the module comment), or undefined when `text`
 * is not an IP address or carries a zone id. Surrounding whitespace is ignored.
 */
export function normalizeIp(text: string): string | undefined {
  const trimmed = text.trim();
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family !== 6 || trimmed.includes('%')) return undefined;
  const groups = ipv6Groups(trimmed);
  return mappedIpv4(groups) ?? formatIpv6(groups);
}

/**
 * The canonical spelling of an address or CIDR range (`10.0.0.0/8`, `2001:DB8::/32`), or
 * undefined when it is neither, has a zone id or a prefix out of range. An IPv4-mapped range of
 * /96 or longer is the IPv4 range it covers (`::ffff:10.0.0.0/104` is `10.0.0.0/8`).
 */
export function normalizeCidr(text: string): string | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash === -1) return normalizeIp(trimmed);
  const address = trimmed.slice(0, slash);
  const prefixText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const family = isIP(address);
  if (family === 4) return prefix <= 32 ? `${address}/${prefix}` : undefined;
  if (family !== 6 || address.includes('%') || prefix > 128) return undefined;
  const groups = ipv6Groups(address);
  const v4 = mappedIpv4(groups);
  if (v4 !== undefined && prefix >= 96) return `${v4}/${prefix - 96}`;
  return `${formatIpv6(groups)}/${prefix}`;
}

/**
 * A string that sorts like the address (IPv4 before IPv6, then numerically; rns-net sorts its
 * `IpAddr`s this way): `10.0.0.2` after `9.0.0.1`, which a plain string sort gets wrong. Any
 * spelling of one address gives one key. Text that is not an address sorts last, by its text.
 */
export function ipSortKey(ip: string): string {
  const canonical = normalizeIp(ip);
  if (canonical === undefined) return '9' + ip;
  if (isIP(canonical) === 4) {
    let key = '4';
    for (const octet of canonical.split('.')) key += Number(octet).toString(16).padStart(2, '0');
    return key;
  }
  return '6' + ipv6Groups(canonical).map(hex4).join('');
}

/** Orders IP addresses by {@link ipSortKey}. */
export function compareIp(a: string, b: string): number {
  const ka = ipSortKey(a);
  const kb = ipSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The groups of an IPv6 address that `net.isIP` accepted (and that has no zone id). */
function ipv6Groups(address: string): Groups {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  if (tail === undefined) return headGroups.map((g) => parseInt(g, 16));
  const tailGroups = tail === '' ? [] : tail.split(':');
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((g) => parseInt(g, 16));
}

/** The IPv4 address of `::ffff:a.b.c.d`, or undefined for any other address. */
function mappedIpv4(g: Groups): string | undefined {
  if (g[0] !== 0 || g[1] !== 0 || g[2] !== 0 || g[3] !== 0 || g[4] !== 0 || g[5] !== 0xffff) return undefined;
  const hi = g[6] as number;
  const lo = g[7] as number;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** RFC 5952 text of eight groups. */
function formatIpv6(g: Groups): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && g[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const text = (groups: Groups): string => groups.map((x) => x.toString(16)).join(':');
  if (bestStart === -1) return text(g);
  return `${text(g.slice(0, bestStart))}::${text(g.slice(bestStart + bestLength))}`;
}

function hex4(group: number): string {
  return group.toString(16).padStart(4, '0');
}

/** `host:port`, with an IPv6 host in brackets (`[::1]:4242`), as URLs and logs write an endpoint. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
