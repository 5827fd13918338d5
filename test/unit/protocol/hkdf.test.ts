import { createHmac, hkdfSync } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { HmacSha256Key, hkdf } from '../../../src/protocol';
import { VECTORS, hex } from '../../vectors/fixture';

describe('protocol: HKDF (Python RNS vectors)', () => {
  for (const v of VECTORS.hkdf) {
    it(`derives ${v.length} bytes as RNS.Cryptography.hkdf does`, () => {
      const out = hkdf(
        v.length,
        hex(v.ikm),
        v.salt === null ? null : hex(v.salt),
        v.info === null ? null : hex(v.info),
      );
      expect(out.toString('hex')).to.equal(v.okm);
    });
  }

  it('has vectors past 8160 bytes, where node:crypto refuses and Python wraps the counter', () => {
    expect(VECTORS.hkdf.some((v) => v.length > 255 * 32 * 2)).to.equal(true);
    expect(() =>
      hkdfSync('sha256', Buffer.from('ikm'), Buffer.from('salt'), Buffer.alloc(0), 8192),
    ).to.throw();
  });

  it('matches node:crypto HKDF wherever node:crypto allows the length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8160 }),
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.uint8Array({ minLength: 1, maxLength: 130 }),
        fc.uint8Array({ maxLength: 70 }),
        (length, ikm, salt, info) => {
          const ours = hkdf(length, ikm, salt, info);
          const node = Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
          return ours.equals(node);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('computes HMAC-SHA256 like node:crypto for every message and key length around block edges', () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = Buffer.alloc(keyLength, 0xab);
      const mac = new HmacSha256Key(key);
      for (let length = 0; length <= 200; length++) {
        const message = Buffer.alloc(length, length & 0xff);
        expect(mac.mac(message).toString('hex'), `key ${keyLength}, message ${length}`).to.equal(
          createHmac('sha256', key).update(message).digest('hex'),
        );
      }
    }
  });

  it('refuses what Python refuses: no output, no input key material', () => {
    expect(() => hkdf(0, Buffer.from('x'))).to.throw(RangeError);
    expect(() => hkdf(32, new Uint8Array(0))).to.throw(RangeError);
  });
});
