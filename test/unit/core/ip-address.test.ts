import { expect } from 'chai';
import fc from 'fast-check';
import { compareIp, ipSortKey, normalizeCidr, normalizeIp } from '../../../src/core/ip-address';

/** Eight IPv6 groups, with zero groups common enough to make runs. */
const groupsArb = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
  minLength: 8,
  maxLength: 8,
});

/** How one group is written: its hex digits in either case, with some leading zeros. */
const groupStyleArb = fc.record({ upper: fc.boolean(), pad: fc.integer({ min: 0, max: 3 }) });

/**
 * A random valid spelling of `groups`: any case, leading zeros, any one zero run (or none)
 * shortened to `::`, and the last 32 bits maybe as dotted IPv4.
 */
function spellingArb(groups: readonly number[]): fc.Arbitrary<string> {
  return fc
    .record({
      styles: fc.array(groupStyleArb, { minLength: 8, maxLength: 8 }),
      dottedTail: fc.boolean(),
      run: fc.nat(),
    })
    .map(({ styles, dottedTail, run }) => {
      const parts = groups.map((g, i) => {
        const { upper, pad } = styles[i] as { upper: boolean; pad: number };
        const digits = g.toString(16);
        const text = digits.padStart(Math.min(4, digits.length + pad), '0');
        return upper ? text.toUpperCase() : text;
      });
      let pieces: string[] = parts;
      if (dottedTail) {
        const [hi, lo] = [groups[6] as number, groups[7] as number];
        pieces = [...parts.slice(0, 6), `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`];
      }
      // Zero runs among the hex groups (a dotted tail cannot be shortened).
      const limit = dottedTail ? 6 : 8;
      const runs: Array<[number, number]> = [];
      for (let i = 0; i < limit; i++) {
        if (groups[i] !== 0) continue;
        let end = i;
        while (end < limit && groups[end] === 0) end++;
        for (let s = i; s < end; s++) for (let e = s + 1; e <= end; e++) runs.push([s, e]);
        i = end;
      }
      if (runs.length === 0 || run % (runs.length + 1) === runs.length) return pieces.join(':');
      const [start, end] = runs[run % (runs.length + 1)] as [number, number];
      return `${pieces.slice(0, start).join(':')}::${pieces.slice(end).join(':')}`;
    });
}

/** The WHATWG URL parser's serialisation of an IPv6 host: an independent RFC 5952 writer. */
function urlIpv6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

const isMapped = (g: readonly number[]): boolean => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;

describe('ip-address', () => {
  it('normalises the spellings that used to be accepted for blacklisting but never matched', () => {
    expect(normalizeIp('0:0:0:0:0:0:0:1')).to.equal('::1');
    expect(normalizeIp('0000::0001')).to.equal('::1');
    expect(normalizeIp('::ffff:7f00:7')).to.equal('127.0.0.7');
    expect(normalizeIp('::FFFF:127.0.0.7')).to.equal('127.0.0.7');
    expect(normalizeIp('::1%lo')).to.equal(undefined);
    expect(normalizeIp('fe80::1%eth0')).to.equal(undefined);
  });

  it('writes IPv6 as RFC 5952 does (section 4 examples)', () => {
    expect(normalizeIp('2001:0db8::0001')).to.equal('2001:db8::1');
    expect(normalizeIp('2001:db8:0:0:0:0:2:1')).to.equal('2001:db8::2:1');
    expect(normalizeIp('2001:db8:0:1:1:1:1:1')).to.equal('2001:db8:0:1:1:1:1:1');
    expect(normalizeIp('2001:0:0:1:0:0:0:1')).to.equal('2001:0:0:1::1');
    expect(normalizeIp('2001:db8:0:0:1:0:0:1')).to.equal('2001:db8::1:0:0:1');
    expect(normalizeIp('2001:DB8::1')).to.equal('2001:db8::1');
    expect(normalizeIp('::')).to.equal('::');
    expect(normalizeIp('::1.2.3.4')).to.equal('::102:304');
  });

  it('keeps IPv4 as it is, trims whitespace and refuses what is not an address', () => {
    expect(normalizeIp(' 10.0.0.1 ')).to.equal('10.0.0.1');
    for (const bad of ['', '10.0.0', '10.0.0.256', '010.0.0.1', 'host.example', '::g', '1::2::3', '[::1]'])
      expect(normalizeIp(bad), bad).to.equal(undefined);
  });

  it('maps every spelling of one IPv6 address to one canonical, RFC 5952 key', () => {
    fc.assert(
      fc.property(
        groupsArb.chain((g) => fc.tuple(fc.constant(g), spellingArb(g), spellingArb(g))),
        ([groups, a, b]) => {
          const canonical = normalizeIp(a);
          expect(normalizeIp(b), `${a} vs ${b}`).to.equal(canonical);
          expect(ipSortKey(a)).to.equal(ipSortKey(b));
          if (isMapped(groups)) {
            const [hi, lo] = [groups[6] as number, groups[7] as number];
            expect(canonical).to.equal(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
          } else {
            expect(canonical, a).to.equal(urlIpv6(a));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is idempotent, and refuses any spelling with a zone id', () => {
    fc.assert(
      fc.property(groupsArb.chain(spellingArb), fc.stringMatching(/^[a-z0-9]{1,8}$/), (spelling, zone) => {
        const canonical = normalizeIp(spelling) as string;
        expect(normalizeIp(canonical)).to.equal(canonical);
        expect(normalizeIp(`${spelling}%${zone}`)).to.equal(undefined);
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(normalizeIp(ip)).to.equal(ip);
        expect(normalizeIp(`::ffff:${ip}`)).to.equal(ip);
      }),
    );
  });

  it('orders addresses numerically, IPv4 before IPv6, non-addresses last', () => {
    const sorted = [
      '::1',
      'junk',
      '10.0.0.10',
      '2001:db8::2',
      '9.0.0.1',
      '::ffff:1.2.3.4',
      '10.0.0.9',
      '2001:db8::10',
    ].sort(compareIp);
    expect(sorted).to.deep.equal([
      '::ffff:1.2.3.4',
      '9.0.0.1',
      '10.0.0.9',
      '10.0.0.10',
      '::1',
      '2001:db8::2',
      '2001:db8::10',
      'junk',
    ]);
    expect(compareIp('fe80::1', 'fe80:0:0:0:0:0:0:1')).to.equal(0);
    fc.assert(
      fc.property(groupsArb, groupsArb, (a, b) => {
        if (isMapped(a) || isMapped(b)) return;
        const value = (g: number[]): bigint => g.reduce((n, x) => (n << 16n) | BigInt(x), 0n);
        const expected = value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0;
        const text = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
        expect(compareIp(text(a), text(b))).to.equal(expected);
      }),
    );
  });

  it('normalises CIDR ranges, an IPv4-mapped one of /96 or longer to IPv4', () => {
    expect(normalizeCidr('10.0.0.0/8')).to.equal('10.0.0.0/8');
    expect(normalizeCidr(' 2001:0DB8::/32 ')).to.equal('2001:db8::/32');
    expect(normalizeCidr('::ffff:10.0.0.0/104')).to.equal('10.0.0.0/8');
    expect(normalizeCidr('::ffff:7f00:1/128')).to.equal('127.0.0.1/32');
    expect(normalizeCidr('::ffff:0:0/80')).to.equal('::ffff:0:0/80');
    expect(normalizeCidr('0:0:0:0:0:0:0:1')).to.equal('::1');
    for (const bad of [
      '10.0.0.0/33',
      '::/129',
      'fe80::%eth0/64',
      '10.0.0.0/',
      '10.0.0.0/-1',
      'x/8',
      '10.0.0.0/08x',
    ])
      expect(normalizeCidr(bad), bad).to.equal(undefined);
  });
});
