import { fullHash } from './packet-hash';
import { HmacSha256Key, hkdf, hkdfWithSaltKey } from './hkdf';
import { Identity } from './identity';
import { IFAC_FLAG, IFAC_MAX_SIZE, IFAC_MIN_SIZE } from '../core/constants';

/** `Reticulum.IFAC_SALT`: the salt of every interface access key. */
export const IFAC_SALT = Buffer.from(
  'adf54d882c9a9b80771eb4995d702d4a3e733391b2a0f53f416d9f907e55cff8',
  'hex',
);

/** What an interface's access code is derived from (its config keys). */
export interface IfacCredentials {
  /** `networkname` / `network_name`, if set. */
  readonly networkName?: string | null;
  /** `passphrase` / `pass_phrase`, if set. */
  readonly passphrase?: string | null;
  /** Code length in bytes (the config's `ifac_size` is in bits), 1..64. */
  readonly size: number;
}

/**
 * An interface access code (IFAC): authenticates and masks every frame on an interface whose
 * config names a network name and/or passphrase, exactly as Python RNS does (Reticulum.py
 * interface setup, `Transport.transmit`, `Transport.inbound`).
 *
 * - key: `HKDF(64, SHA-256(SHA-256(networkname) + SHA-256(passphrase)), IFAC_SALT)` (each part
 *   only when set); its two halves are the X25519 and Ed25519 keys of an identity.
 * - outbound: the code is the last `size` bytes of that identity's signature of the packet; the
 *   frame is `[flags | 0x80, hops] + code + rest`, everything but the code XORed with
 *   `HKDF(len(frame), code, key)`, bit 7 of byte 0 kept set.
 * - inbound: unmask, clear the flag, re-sign, compare; anything else is dropped.
 *
 * Frames are authenticated by re-signing (Ed25519 is deterministic), so checking a frame costs a
 * signature plus the mask; both directions are pure functions of the frame, which lets a sender
 * build a frame once for every peer sharing the key.
 */
export class InterfaceAccessCode {
  /** Code length in bytes. */
  readonly size: number;
  /** The 64-byte interface access key. */
  readonly key: Buffer;
  /** The network name it was derived from, if any (for status output; the passphrase is not kept). */
  readonly networkName: string | null;
  private readonly identity: Identity;
  private readonly saltKey: HmacSha256Key;

  private constructor(key: Buffer, size: number, networkName: string | null) {
    this.key = key;
    this.size = size;
    this.networkName = networkName;
    this.identity = Identity.fromPrivateKey(key);
    this.saltKey = new HmacSha256Key(key);
  }

  /**
   * The access code of an interface configured with these credentials.
   *
   * @throws RangeError with neither a network name nor a passphrase (such an interface has no
   *   IFAC), or a size outside 1..64 bytes
   */
  static fromCredentials(credentials: IfacCredentials): InterfaceAccessCode {
    const networkName = nonEmpty(credentials.networkName);
    const passphrase = nonEmpty(credentials.passphrase);
    if (networkName === null && passphrase === null) {
      throw new RangeError('an interface access code needs a network name or a passphrase');
    }
    const size = credentials.size;
    if (!Number.isInteger(size) || size < IFAC_MIN_SIZE || size > IFAC_MAX_SIZE) {
      throw new RangeError(`IFAC size must be ${IFAC_MIN_SIZE}..${IFAC_MAX_SIZE} bytes, got ${size}`);
    }
    const origin: Buffer[] = [];
    if (networkName !== null) origin.push(fullHash(Buffer.from(networkName, 'utf8')));
    if (passphrase !== null) origin.push(fullHash(Buffer.from(passphrase, 'utf8')));
    const key = hkdf(64, fullHash(Buffer.concat(origin)), IFAC_SALT);
    return new InterfaceAccessCode(key, size, networkName);
  }

  /** Signs and masks a packet for sending: the frame is `size` bytes longer. */
  apply(raw: Uint8Array): Buffer {
    const size = this.size;
    const length = raw.length;
    const code = this.identity.sign(raw).subarray(64 - size);
    const mask = hkdfWithSaltKey(length + size, code, this.saltKey);
    const frame = Buffer.allocUnsafe(length + size);
    frame[0] = ((raw[0] | IFAC_FLAG) ^ mask[0]) | IFAC_FLAG;
    frame[1] = raw[1] ^ mask[1];
    frame.set(code, 2);
    for (let i = 2; i < length; i++) frame[i + size] = raw[i] ^ mask[i + size];
    return frame;
  }

  /**
   * Checks and unmasks a received frame: the packet inside it, or null when the frame is not
   * flagged, too short to hold a code and a byte after it, or its code is not ours.
   */
  verifyAndStrip(frame: Uint8Array): Buffer | null {
    const size = this.size;
    const length = frame.length;
    if (length <= 2 + size || (frame[0] & IFAC_FLAG) === 0) return null;
    const code = frame.subarray(2, 2 + size);
    const mask = hkdfWithSaltKey(length, code, this.saltKey);
    const raw = Buffer.allocUnsafe(length - size);
    raw[0] = (frame[0] ^ mask[0]) & ~IFAC_FLAG;
    raw[1] = frame[1] ^ mask[1];
    for (let i = 2 + size; i < length; i++) raw[i - size] = frame[i] ^ mask[i];
    const expected = this.identity.sign(raw);
    for (let i = 0; i < size; i++) if (expected[64 - size + i] !== code[i]) return null;
    return raw;
  }
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}
