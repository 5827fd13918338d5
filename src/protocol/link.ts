import { Packet } from './packet';
import { ADDRESS_LENGTH } from './packet-constants';
import { digestInto, packetHashDigest } from './packet-hash';
import { KEY_HALF_LENGTH, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from './announce';
import { PublicIdentity } from './identity';

/** Key material of a link request: X25519 then Ed25519 public key (`Link.ECPUBSIZE`). */
export const LINK_REQUEST_KEY_LENGTH = 64;
/** Length of the MTU/mode signalling bytes (`Link.LINK_MTU_SIZE`). */
export const LINK_SIGNALLING_LENGTH = 3;
/** Link request data with signalling bytes. */
export const LINK_REQUEST_SIGNALLING_LENGTH = LINK_REQUEST_KEY_LENGTH + LINK_SIGNALLING_LENGTH;
/** Link proof data: signature, then the responder's X25519 public key. */
export const LINK_PROOF_LENGTH = SIGNATURE_LENGTH + KEY_HALF_LENGTH;
/** Link proof data with signalling bytes. */
export const LINK_PROOF_SIGNALLING_LENGTH = LINK_PROOF_LENGTH + LINK_SIGNALLING_LENGTH;
/** Link modes Python 1.4.2 accepts (`Link.ENABLED_MODES`): AES-256-CBC only. */
export const ENABLED_LINK_MODES: readonly number[] = Object.freeze([0x01]);
/** The 21 MTU bits of the signalling value (`Link.MTU_BYTEMASK`). */
export const LINK_MTU_MASK = 0x1fffff;

/** What a link request or proof signals: the link MTU and the encryption mode. */
export interface LinkSignalling {
  /** Link MTU in bytes (21 bits). */
  readonly mtu: number;
  /** Link mode (3 bits; 1 = AES-256-CBC, Python's default). */
  readonly mode: number;
}

/**
 * The link id of a LINKREQUEST (`Link.link_id_from_lr_packet`): the truncated hash of its
 * hashable part with everything after the 64 bytes of key material (the signalling bytes, or any
 * other excess) cut off, so the id is the same whether or not a hop rewrote the signalling.
 */
export function linkIdFromLinkRequest(packet: Packet): Buffer {
  const raw = packet.raw;
  const excess = raw.length - packet.dataOffset - LINK_REQUEST_KEY_LENGTH;
  const out = Buffer.allocUnsafe(ADDRESS_LENGTH);
  digestInto(packetHashDigest(raw, excess > 0 ? raw.length - excess : raw.length), out, 0, ADDRESS_LENGTH);
  return out;
}

/**
 * The signalling of a link request (data of exactly 67 bytes), or null when it has none
 * (`Link.mtu_from_lr_packet`, `Link.mode_from_lr_packet`).
 */
export function linkRequestSignalling(packet: Packet): LinkSignalling | null {
  if (packet.raw.length - packet.dataOffset !== LINK_REQUEST_SIGNALLING_LENGTH) return null;
  return decodeSignalling(packet.raw, packet.dataOffset + LINK_REQUEST_KEY_LENGTH);
}

/** The signalling of a link proof (data of exactly 99 bytes), or null (`Link.mtu_from_lp_packet`). */
export function linkProofSignalling(packet: Packet): LinkSignalling | null {
  if (packet.raw.length - packet.dataOffset !== LINK_PROOF_SIGNALLING_LENGTH) return null;
  return decodeSignalling(packet.raw, packet.dataOffset + LINK_PROOF_LENGTH);
}

/** Reads the 3 signalling bytes at `offset`. */
export function decodeSignalling(bytes: Uint8Array, offset = 0): LinkSignalling {
  const value = (bytes[offset] << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2];
  return { mtu: value & LINK_MTU_MASK, mode: (bytes[offset] & 0xe0) >> 5 };
}

/** The 3 signalling bytes for `mtu` and `mode` (`Link.signalling_bytes`). */
export function encodeSignalling(mtu: number, mode: number): Uint8Array {
  const value = (mtu & LINK_MTU_MASK) | (((mode << 5) & 0xe0) << 16);
  return Uint8Array.of((value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/**
 * Whether an LRPROOF proves the link, as a transport node checks it before forwarding: data of 96
 * or 99 bytes, a link mode Python enables, and the destination's Ed25519 signature over
 * `link_id + responder X25519 key + destination Ed25519 key + signalling bytes`.
 *
 * @param packet the LRPROOF (its destination hash is the link id)
 * @param destination the identity of the destination the link was requested to (its known key)
 */
export function validateLinkProof(packet: Packet, destination: PublicIdentity): boolean {
  const raw = packet.raw;
  const start = packet.dataOffset;
  const length = raw.length - start;
  if (length !== LINK_PROOF_LENGTH && length !== LINK_PROOF_SIGNALLING_LENGTH) return false;
  if (
    length === LINK_PROOF_SIGNALLING_LENGTH &&
    !ENABLED_LINK_MODES.includes(raw[start + LINK_PROOF_LENGTH] >> 5)
  ) {
    return false;
  }
  const signed = Buffer.allocUnsafe(
    ADDRESS_LENGTH + KEY_HALF_LENGTH + KEY_HALF_LENGTH + length - LINK_PROOF_LENGTH,
  );
  signed.set(packet.destinationHash, 0);
  signed.set(raw.subarray(start + SIGNATURE_LENGTH, start + LINK_PROOF_LENGTH), ADDRESS_LENGTH);
  signed.set(
    destination.publicKey.subarray(KEY_HALF_LENGTH, PUBLIC_KEY_LENGTH),
    ADDRESS_LENGTH + KEY_HALF_LENGTH,
  );
  signed.set(raw.subarray(start + LINK_PROOF_LENGTH), ADDRESS_LENGTH + 2 * KEY_HALF_LENGTH);
  return destination.verify(raw.subarray(start, start + SIGNATURE_LENGTH), signed);
}
