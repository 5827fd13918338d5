import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { KEY_HALF_LENGTH, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from './announce';
import { destinationHash } from './destination';
import { truncatedHash } from './packet-hash';

/** Length of an identity's private key material: X25519 (32) then Ed25519 (32), as Python stores it. */
export const PRIVATE_KEY_LENGTH = 64;

// PKCS#8 wrappers of a raw 32-byte private key (RFC 8410): node:crypto imports private OKP keys
// from DER without needing the public half that a JWK import insists on.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Verifies an Ed25519 signature by a raw 32-byte public key; false (never an exception) for a key
 * or signature of the wrong length or a signature that does not verify.
 *
 * The key goes to node:crypto as a JWK on each call, not as a `KeyObject` kept between calls:
 * node:crypto then builds a native key for this call alone, behind a wrapper that dies young and
 * is freed at the next scavenge. A kept `KeyObject` reaches the old generation, and its native
 * key (about 1 KB that V8 does not see) waits for a full collection: a cache of them left about
 * 100 MB of RSS behind after 100,000 announces from new identities. The JWK import adds about 5 %
 * to a verification; DER/SPKI input goes through OpenSSL 3's decoders and doubles it.
 */
export function verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  if (publicKey.length !== KEY_HALF_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  try {
    return verify(
      null,
      message,
      { key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) }, format: 'jwk' },
      signature,
    );
  } catch {
    return false;
  }
}

/**
 * The public half of a Reticulum identity: the 64-byte public key (X25519 encryption key, then
 * Ed25519 signing key) and the identity hash, the truncated SHA-256 of that key.
 */
export class PublicIdentity {
  /** The 64-byte public key: X25519 then Ed25519. */
  readonly publicKey: Buffer;
  /** The 16-byte identity hash (`Identity.hash`). */
  readonly hash: Buffer;

  /** @param publicKey 64 bytes, X25519 then Ed25519 (copied) */
  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== PUBLIC_KEY_LENGTH) {
      throw new RangeError(`a public key is ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`);
    }
    this.publicKey = Buffer.from(publicKey);
    this.hash = truncatedHash(this.publicKey);
  }

  /** The identity hash as lower-case hex (`Identity.hexhash`). */
  get hexHash(): string {
    return this.hash.toString('hex');
  }

  /** The 32-byte X25519 public key. */
  get encryptionPublicKey(): Buffer {
    return this.publicKey.subarray(0, KEY_HALF_LENGTH);
  }

  /** The 32-byte Ed25519 public key. */
  get signingPublicKey(): Buffer {
    return this.publicKey.subarray(KEY_HALF_LENGTH);
  }

  /** Whether `signature` is this identity's Ed25519 signature of `message` (`Identity.validate`). */
  verify(signature: Uint8Array, message: Uint8Array): boolean {
    return verifyEd25519(this.signingPublicKey, signature, message);
  }

  /** Describes the identity by its hash only (as Python prints it), so logging one never prints key material. */
  toString(): string {
    return `<${this.hexHash}>`;
  }

  /** The hash of this identity's destination `appName.aspects` (`Destination.hash`). */
  destinationHash(appName: string, aspects: readonly string[] = []): Buffer {
    return destinationHash(this.hash, appName, aspects);
  }
}

/**
 * A Reticulum identity with its private keys, on node:crypto. Its file form is Python's
 * (`Identity.to_file`/`from_file`): the 64 raw private-key bytes, X25519 then Ed25519, so an
 * identity file made by `rnid` loads here and ours load in Python.
 */
export class Identity extends PublicIdentity {
  private readonly privateKeyBytes: Buffer;
  private readonly signingPrivateKey: KeyObject;

  private constructor(privateKey: Uint8Array, publicKey: Uint8Array, signingPrivateKey: KeyObject) {
    super(publicKey);
    this.privateKeyBytes = Buffer.from(privateKey);
    this.signingPrivateKey = signingPrivateKey;
  }

  /** A new identity with fresh key pairs. */
  static generate(): Identity {
    const x = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' }).d;
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }).d;
    if (x === undefined || ed === undefined) throw new Error('node:crypto exported no private key');
    return Identity.fromPrivateKey(
      Buffer.concat([Buffer.from(x, 'base64url'), Buffer.from(ed, 'base64url')]),
    );
  }

  /**
   * The identity of 64 private-key bytes (`Identity.from_bytes`; also the content of an identity
   * file).
   *
   * @throws RangeError when `privateKey` is not 64 bytes
   */
  static fromPrivateKey(privateKey: Uint8Array): Identity {
    if (privateKey.length !== PRIVATE_KEY_LENGTH) {
      throw new RangeError(
        `identity private key material is ${PRIVATE_KEY_LENGTH} bytes, got ${privateKey.length}`,
      );
    }
    const x25519 = createPrivateKey({
      key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey.subarray(0, KEY_HALF_LENGTH)]),
      format: 'der',
      type: 'pkcs8',
    });
    const ed25519 = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, privateKey.subarray(KEY_HALF_LENGTH)]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = Buffer.concat([rawPublicKey(x25519), rawPublicKey(ed25519)]);
    return new Identity(privateKey, publicKey, ed25519);
  }

  /** The 64 private-key bytes (`Identity.get_private_key`): what an identity file holds. Keep it secret. */
  privateKey(): Buffer {
    return Buffer.from(this.privateKeyBytes);
  }

  /** The Ed25519 signature of `message` (`Identity.sign`); deterministic, as Ed25519 is. */
  sign(message: Uint8Array): Buffer {
    return sign(null, message, this.signingPrivateKey);
  }
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('node:crypto exported no public key');
  return Buffer.from(x, 'base64url');
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
}
