import { expect } from 'chai';
import { compareIp, normalizeIp } from '../../../src/core/ip-address';

describe('ip-address', () => {
  it('normalises IPv4, IPv4-mapped IPv6 and IPv6 spellings', () => {
    expect(normalizeIp(' 10.0.0.1 ')).to.equal('10.0.0.1');
    expect(normalizeIp('::FFFF:10.0.0.1')).to.equal('10.0.0.1');
    expect(normalizeIp('2001:DB8::1')).to.equal('2001:db8::1');
    for (const bad of ['', '10.0.0', '10.0.0.256', 'host.example', '::g'])
      expect(normalizeIp(bad), bad).to.equal(undefined);
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
      '9.0.0.1',
      '10.0.0.9',
      '10.0.0.10',
      '::1',
      '::ffff:1.2.3.4',
      '2001:db8::2',
      '2001:db8::10',
      'junk',
    ]);
    expect(compareIp('fe80::1', 'fe80:0:0:0:0:0:0:1')).to.equal(0);
  });
});
