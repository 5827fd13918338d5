import { expect } from 'chai';
import { IfacAuthenticators, IfacFrameAuthenticator } from '../../../src/node/ifac-authenticators';
import { InterfaceAccessCode } from '../../../src/protocol';
import { VECTORS, hex } from '../../vectors/fixture';

describe('node: IFAC authenticators', () => {
  const v = VECTORS.ifac.find((x) => x.name === 'netname_and_passphrase_16')!;
  const settings = { networkName: v.netname, passphrase: v.passphrase, size: v.size };

  it("frames a packet as Python does and strips Python's frames", () => {
    const authenticator = new IfacAuthenticators().for(settings);
    expect(authenticator.overhead).to.equal(16);
    expect(Buffer.from(authenticator.apply(hex(v.raw))).toString('hex')).to.equal(v.frame);
    expect(Buffer.from(authenticator.verifyAndStrip(hex(v.frame))!).toString('hex')).to.equal(v.raw);
  });

  it('returns the same frame object for the same packet object, so peers share one frame', () => {
    const authenticator = new IfacFrameAuthenticator(InterfaceAccessCode.fromCredentials(settings));
    const packet = hex(v.raw);
    const first = authenticator.apply(packet);
    expect(authenticator.apply(packet)).to.equal(first);
    const other = hex(v.raw);
    const second = authenticator.apply(other);
    expect(second).to.not.equal(first);
    expect(Buffer.from(second).equals(Buffer.from(first))).to.equal(true);
  });

  it('shares one authenticator between interfaces with the same key and size, not otherwise', () => {
    const all = new IfacAuthenticators();
    expect(all.for(settings)).to.equal(all.for({ ...settings }));
    expect(all.for(settings)).to.not.equal(all.for({ ...settings, size: 8 }));
    expect(all.for(settings)).to.not.equal(all.for({ ...settings, passphrase: 'other' }));
  });
});
