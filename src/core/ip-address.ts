import { isIP } from 'node:net';

const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The canonical spelling of an IP address for peer-state lookups, or undefined when `text` is
 * not an IP address. IPv4-mapped IPv6 addresses become plain IPv4 (peers are reported that way)
 * and IPv6 is lower-cased.
 */
export function normalizeIp(text: string): string | undefined {
  const trimmed = text.trim();
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family !== 6) return undefined;
  const mapped = V4_MAPPED.exec(trimmed);
  return mapped?.[1] ?? trimmed.toLowerCase();
}

/**
 * Orders IP addresses numerically, IPv4 before IPv6 (as Rust's `IpAddr` orders them, which
 * rns-net uses to sort peer state). Text that is not an IP sorts last, by text.
 */
export function compareIp(a: string, b: string): number {
  const ka = ipSortKey(a);
  const kb = ipSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A string that sorts like the address: family digit, then fixed-width groups. */
function ipSortKey(ip: string): string {
  const family = isIP(ip);
  if (family === 4) {
    return (
      '4' +
      ip
        .split('.')
        .map((octet) => octet.padStart(3, '0'))
        .join('.')
    );
  }
  if (family === 6) return '6' + expandIpv6(ip.toLowerCase());
  return '9' + ip;
}

/** The eight 4-digit groups of an IPv6 address (a trailing dotted IPv4 part becomes two groups). */
function expandIpv6(ip: string): string {
  let text = ip.split('%')[0] ?? ip;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4?.[1] !== undefined) {
    const o = v4[1].split('.').map(Number);
    const hi = (((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16);
    const lo = (((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16);
    text = text.slice(0, text.length - v4[1].length) + `${hi}:${lo}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
