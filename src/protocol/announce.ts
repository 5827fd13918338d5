import { Malformed, malformed } from './malformed';
import { Packet } from './packet';
import { ADDRESS_LENGTH, PacketType } from './packet-constants';

/** Public key length: X25519 (32) then Ed25519 (32) (`Identity.KEYSIZE`). */
export const PUBLIC_KEY_LENGTH = 64;
/** Half of a public key: one X25519 or Ed25519 key. */
export const KEY_HALF_LENGTH = 32;
/** Name hash length (`Identity.NAME_HASH_LENGTH`, 80 bits). */
export const NAME_HASH_LENGTH = 10;
/** Random hash length in an announce: 5 random bytes, then 5 bytes of emission time. */
export const RANDOM_HASH_LENGTH = 10;
/** Ratchet (X25519 public key) length (`Identity.RATCHETSIZE`). */
export const RATCHET_LENGTH = 32;
/** Ed25519 signature length (`Identity.SIGLENGTH`). */
export const SIGNATURE_LENGTH = 64;
/** Smallest announce data without a ratchet: key, name hash, random hash, signature. */
export const ANNOUNCE_MIN_LENGTH =
  PUBLIC_KEY_LENGTH + NAME_HASH_LENGTH + RANDOM_HASH_LENGTH + SIGNATURE_LENGTH;
/** Smallest announce data with a ratchet. */
export const ANNOUNCE_RATCHET_MIN_LENGTH = ANNOUNCE_MIN_LENGTH + RATCHET_LENGTH;

/**
 * An announce's payload, as `Identity.validate_announce` slices it. Byte fields are views into
 * the packet's bytes. Parsing checks lengths only; {@link validateAnnounce} checks the rest.
 */
export interface AnnouncePayload {
  /** Discriminates a payload from a {@link Malformed} result. */
  readonly ok: true;
  /** The announced destination (the packet's destination hash). */
  readonly destinationHash: Uint8Array;
  /** The 64-byte public key: X25519 then Ed25519. */
  readonly publicKey: Uint8Array;
  /** The 10-byte name hash. */
  readonly nameHash: Uint8Array;
  /** The 10-byte random hash; its last 5 bytes are the emission time. */
  readonly randomHash: Uint8Array;
  /** The 32-byte ratchet when the context flag is set, else null. */
  readonly ratchet: Uint8Array | null;
  /** The 64-byte Ed25519 signature. */
  readonly signature: Uint8Array;
  /**
   * The bytes after the signature, or null when there are none. (Python keeps `b""` rather
   * than None for an app-data-less announce with a ratchet; the signed bytes are the same.)
   */
  readonly appData: Uint8Array | null;
  /**
   * Emission time: `random_hash[5:10]` as big-endian seconds since the epoch, as the announcer's
   * clock had it. Orders a destination's announces for the path table; never a reason to reject
   * an announce (clocks differ).
   */
  readonly emissionTime: number;
}

/**
 * Slices an announce's data. `truncated-announce` when it is shorter than 148 bytes (180 with a
 * ratchet): Python would read a short signature that can never verify.
 */
export function parseAnnounce(packet: Packet): AnnouncePayload | Malformed {
  if (packet.packetType !== PacketType.ANNOUNCE) return malformed('not-an-announce');
  const raw = packet.raw;
  const start = packet.dataOffset;
  const dataLength = raw.length - start;
  const hasRatchet = packet.contextFlag;
  if (dataLength < (hasRatchet ? ANNOUNCE_RATCHET_MIN_LENGTH : ANNOUNCE_MIN_LENGTH)) {
    return malformed('truncated-announce');
  }
  const nameStart = start + PUBLIC_KEY_LENGTH;
  const randomStart = nameStart + NAME_HASH_LENGTH;
  const randomEnd = randomStart + RANDOM_HASH_LENGTH;
  const signatureStart = hasRatchet ? randomEnd + RATCHET_LENGTH : randomEnd;
  const signatureEnd = signatureStart + SIGNATURE_LENGTH;
  return {
    ok: true,
    destinationHash: raw.subarray(packet.destinationOffset, packet.destinationOffset + ADDRESS_LENGTH),
    publicKey: raw.subarray(start, nameStart),
    nameHash: raw.subarray(nameStart, randomStart),
    randomHash: raw.subarray(randomStart, randomEnd),
    ratchet: hasRatchet ? raw.subarray(randomEnd, signatureStart) : null,
    signature: raw.subarray(signatureStart, signatureEnd),
    appData: raw.length > signatureEnd ? raw.subarray(signatureEnd) : null,
    emissionTime: readEmissionTime(raw, randomStart),
  };
}

/** Emission time of a random hash starting at `offset` in `bytes` (its bytes 5..9, big-endian). */
export function readEmissionTime(bytes: Uint8Array, offset = 0): number {
  const at = offset + 5;
  return (
    bytes[at] * 0x1_0000_0000 +
    ((bytes[at + 1] << 24) >>> 0) +
    (bytes[at + 2] << 16) +
    (bytes[at + 3] << 8) +
    bytes[at + 4]
  );
}

/**
 * Writes the bytes an announce signature covers into `out` and returns their length:
 * `destination_hash + public_key + name_hash + random_hash + ratchet + app_data`.
 * `out` must hold {@link signedDataLength} bytes.
 */
export function writeSignedData(announce: AnnouncePayload, out: Uint8Array): number {
  let at = 0;
  out.set(announce.destinationHash, at);
  at += ADDRESS_LENGTH;
  out.set(announce.publicKey, at);
  at += PUBLIC_KEY_LENGTH;
  out.set(announce.nameHash, at);
  at += NAME_HASH_LENGTH;
  out.set(announce.randomHash, at);
  at += RANDOM_HASH_LENGTH;
  if (announce.ratchet !== null) {
    out.set(announce.ratchet, at);
    at += RATCHET_LENGTH;
  }
  if (announce.appData !== null) {
    out.set(announce.appData, at);
    at += announce.appData.length;
  }
  return at;
}

/** Length of the bytes an announce signature covers. */
export function signedDataLength(announce: AnnouncePayload): number {
  return (
    ADDRESS_LENGTH +
    PUBLIC_KEY_LENGTH +
    NAME_HASH_LENGTH +
    RANDOM_HASH_LENGTH +
    (announce.ratchet !== null ? RATCHET_LENGTH : 0) +
    (announce.appData !== null ? announce.appData.length : 0)
  );
}
