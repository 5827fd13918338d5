import { KeyObject, createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { SignatureVerifier, TransportIdentity } from '../../../../src/transport';

/** A Reticulum identity for tests: X25519 + Ed25519 on node:crypto, Python's public key layout. */
export class TestIdentity implements TransportIdentity {
  readonly publicKey: Uint8Array;
  readonly hash: Uint8Array;
  private readonly signingKey: KeyObject;

  constructor() {
    const x = generateKeyPairSync('x25519');
    const ed = generateKeyPairSync('ed25519');
    this.signingKey = ed.privateKey;
    this.publicKey = Buffer.concat([rawPublic(x.publicKey), rawPublic(ed.publicKey)]);
    this.hash = createHash('sha256').update(this.publicKey).digest().subarray(0, 16);
  }

  /** Ed25519 signature of `data`. */
  sign(data: Uint8Array): Uint8Array {
    return sign(null, data, this.signingKey);
  }

  /** The raw 32-byte X25519 half (for link proofs). */
  get encryptionKey(): Uint8Array {
    return this.publicKey.subarray(0, 32);
  }
}

/** The raw 32 bytes of an X25519 or Ed25519 public key. */
function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

/** A verifier on node:crypto that imports each Ed25519 key once. */
export class NodeVerifier implements SignatureVerifier {
  verifications = 0;
  private readonly keys = new Map<string, KeyObject>();

  verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
    this.verifications++;
    const id = Buffer.from(publicKey).toString('base64url');
    let key = this.keys.get(id);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
      } catch {
        return false;
      }
      this.keys.set(id, key);
    }
    try {
      return verify(null, data, key, signature);
    } catch {
      return false;
    }
  }
}
