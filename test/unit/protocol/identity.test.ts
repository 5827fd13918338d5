import { expect } from 'chai';
import { Identity, PublicIdentity, destinationHash, verifyEd25519 } from '../../../src/protocol';
import { VECTORS, hex } from '../../vectors/fixture';

describe('protocol: identities (Python RNS vectors)', () => {
  for (const v of VECTORS.identities) {
    it(`loads ${v.name} from its 64 private-key bytes with Python's public key, hash and signatures`, () => {
      const identity = Identity.fromPrivateKey(hex(v.private_key));
      expect(identity.publicKey.toString('hex')).to.equal(v.public_key);
      expect(identity.hexHash).to.equal(v.hash);
      expect(identity.privateKey().toString('hex')).to.equal(v.private_key);
      expect(identity.sign(hex(v.message)).toString('hex')).to.equal(v.signature);
      expect(identity.verify(hex(v.signature), hex(v.message))).to.equal(true);
      for (const d of v.destinations) {
        expect(identity.destinationHash(d.app_name, d.aspects).toString('hex')).to.equal(d.hash);
      }
    });
  }

  it('loads an identity file written by rnid', () => {
    const v = VECTORS.rnid_identity;
    const identity = Identity.fromPrivateKey(hex(v.file));
    expect(identity.hexHash).to.equal(v.hash);
    expect(identity.publicKey.toString('hex')).to.equal(v.public_key);
    expect(v.rnid_output).to.contain(v.hash);
  });

  it('verifies with the public half only, and refuses altered signatures and messages', () => {
    const v = VECTORS.identities[0];
    const pub = new PublicIdentity(hex(v.public_key));
    expect(pub.hexHash).to.equal(v.hash);
    expect(pub.verify(hex(v.signature), hex(v.message))).to.equal(true);
    const signature = hex(v.signature);
    signature[3] ^= 1;
    expect(pub.verify(signature, hex(v.message))).to.equal(false);
    expect(pub.verify(hex(v.signature), Buffer.from('another message'))).to.equal(false);
    expect(pub.verify(hex(v.signature).subarray(0, 63), hex(v.message))).to.equal(false);
    expect(pub.verify(new Uint8Array(0), hex(v.message))).to.equal(false);
  });

  it('verifies by a raw Ed25519 key, false (no exception) for a key of the wrong length or off the curve', () => {
    const v = VECTORS.identities[0];
    const key = hex(v.public_key).subarray(32);
    expect(verifyEd25519(key, hex(v.signature), hex(v.message))).to.equal(true);
    expect(verifyEd25519(key.subarray(1), hex(v.signature), hex(v.message))).to.equal(false);
    expect(verifyEd25519(Buffer.concat([key, Buffer.of(0)]), hex(v.signature), hex(v.message))).to.equal(
      false,
    );
    expect(verifyEd25519(Buffer.alloc(32, 0xff), hex(v.signature), hex(v.message))).to.equal(false);
    const otherKey = Identity.generate().signingPublicKey;
    expect(verifyEd25519(otherKey, hex(v.signature), hex(v.message))).to.equal(false);
  });

  it('generates identities that round-trip through their private key', () => {
    const identity = Identity.generate();
    const again = Identity.fromPrivateKey(identity.privateKey());
    expect(again.publicKey.equals(identity.publicKey)).to.equal(true);
    expect(again.hash.equals(identity.hash)).to.equal(true);
    const message = Buffer.from('hello');
    expect(identity.verify(again.sign(message), message)).to.equal(true);
    expect(
      identity.destinationHash('app', ['x']).equals(destinationHash(identity.hash, 'app', ['x'])),
    ).to.equal(true);
  });

  it('refuses key material of the wrong length', () => {
    expect(() => Identity.fromPrivateKey(new Uint8Array(63))).to.throw(RangeError, /64 bytes/);
    expect(() => new PublicIdentity(new Uint8Array(65))).to.throw(RangeError, /64 bytes/);
  });

  it('prints only its hash', () => {
    const identity = Identity.fromPrivateKey(hex(VECTORS.identities[0].private_key));
    expect(String(identity)).to.equal(`<${VECTORS.identities[0].hash}>`);
  });
});
