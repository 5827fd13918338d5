import { Packet } from './packet';
import { ADDRESS_LENGTH } from './packet-constants';
import { digestInto, packetHashDigest } from './packet-hash';
import { KEY_HALF_LENGTH, SIGNATURE_LENGTH } from './announce';

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
