import { expect } from 'chai';
import { IFAC_SALT, InterfaceAccessCode } from '../../../src/protocol';
import { VECTORS, hex } from '../../vectors/fixture';

function codeOf(v: { netname: string | null; passphrase: string | null; size: number }): InterfaceAccessCode {
  return InterfaceAccessCode.fromCredentials({
    networkName: v.netname,
    passphrase: v.passphrase,
    size: v.size,
  });
}

describe('protocol: IFAC (Python RNS vectors)', () => {
  it("uses Python's IFAC salt", () => {
    expect(IFAC_SALT.toString('hex')).to.equal(VECTORS.ifac_salt);
  });

  for (const v of VECTORS.ifac) {
    it(`${v.name}: derives the key, masks the ${v.raw.length / 2}-byte packet and unmasks the frame as Python does`, () => {
      const code = codeOf(v);
      expect(code.key.toString('hex')).to.equal(v.ifac_key);
      expect(code.apply(hex(v.raw)).toString('hex')).to.equal(v.frame);
      expect(code.verifyAndStrip(hex(v.frame))?.toString('hex')).to.equal(v.raw);
    });
  }

  it('has vectors for frames over 8 KiB', () => {
    expect(VECTORS.ifac.filter((v) => v.frame.length / 2 > 8192).length).to.be.greaterThan(2);
  });

  it('locks out a wrong passphrase, a missing network name and another size', () => {
    const v = VECTORS.ifac.find((x) => x.name === 'netname_and_passphrase_16')!;
    const frame = hex(v.frame);
    expect(codeOf({ ...v, passphrase: `${v.passphrase}x` }).verifyAndStrip(frame)).to.equal(null);
    expect(codeOf({ ...v, netname: null }).verifyAndStrip(frame)).to.equal(null);
    expect(codeOf({ ...v, size: 8 }).verifyAndStrip(frame)).to.equal(null);
  });

  it('refuses a frame with any bit changed', () => {
    const v = VECTORS.ifac.find((x) => x.name === 'passphrase_only_8')!;
    const code = codeOf(v);
    const frame = hex(v.frame);
    for (let i = 0; i < frame.length; i++) {
      for (const bit of [0x01, 0x40]) {
        const copy = Buffer.from(frame);
        copy[i] ^= bit;
        expect(code.verifyAndStrip(copy), `byte ${i} bit ${bit}`).to.equal(null);
      }
    }
  });

  it('refuses unflagged frames and frames too short to hold a code and a byte', () => {
    const v = VECTORS.ifac.find((x) => x.name === 'netname_and_passphrase_16')!;
    const code = codeOf(v);
    expect(code.verifyAndStrip(hex(v.raw))).to.equal(null, 'a plain packet');
    expect(code.verifyAndStrip(hex(v.frame).subarray(0, 18))).to.equal(null);
    expect(code.verifyAndStrip(new Uint8Array(0))).to.equal(null);
    expect(code.verifyAndStrip(Uint8Array.of(0x80))).to.equal(null);
  });

  it('keeps bit 7 of byte 0 set on every frame it makes, and every flags byte round-trips', () => {
    const code = codeOf({ netname: 'n', passphrase: 'p', size: 16 });
    for (let flags = 0; flags < 128; flags++) {
      const raw = Buffer.alloc(40, flags);
      const frame = code.apply(raw);
      expect(frame[0] & 0x80).to.equal(0x80);
      expect(code.verifyAndStrip(frame)!.equals(raw)).to.equal(true);
    }
  });

  it('refuses credentials Python would not turn into IFAC, and sizes outside 1..64 bytes', () => {
    expect(() => InterfaceAccessCode.fromCredentials({ size: 16 })).to.throw(RangeError);
    expect(() => InterfaceAccessCode.fromCredentials({ networkName: '', passphrase: '', size: 16 })).to.throw(
      RangeError,
    );
    expect(() => InterfaceAccessCode.fromCredentials({ passphrase: 'p', size: 0 })).to.throw(RangeError);
    expect(() => InterfaceAccessCode.fromCredentials({ passphrase: 'p', size: 65 })).to.throw(RangeError);
  });
});
