import { createHash } from 'node:crypto';
import {
  HASHED_FLAGS_MASK,
  HEADER_1_CONTEXT_OFFSET,
  HEADER_1_HASHED_OFFSET,
  HEADER_2_CONTEXT_OFFSET,
  HEADER_2_FLAG,
  HEADER_2_HASHED_OFFSET,
  IFAC_FLAG,
} from './packet-layout';

/**
 * Offset of the first hashed byte after the flags byte: HEADER_2 packets skip the transport id,
 * so a packet keeps its hash when a transport node inserts or strips one (Python's
 * `Packet.get_hashable_part`).
 */
export function hashedBodyOffset(packet: Uint8Array): number {
  return (packet[0] & HEADER_2_FLAG) !== 0 ? HEADER_2_HASHED_OFFSET : HEADER_1_HASHED_OFFSET;
}

/**
 * The full 32-byte Reticulum packet hash, exactly as Python RNS computes it: SHA-256 over
 * `(byte0 & 0x0F)` followed by the packet from byte 2 (HEADER_1) or byte 18 (HEADER_2) on. The
 * hops byte is never hashed, so a packet keeps its hash across hops. For tests and interop; the
 * relay's hot path uses {@link PacketKeyHasher} instead.
 */
export function packetHash(packet: Uint8Array): Buffer {
  const offset = hashedBodyOffset(packet);
  const hash = createHash('sha256');
  hash.update(Uint8Array.of(packet[0] & HASHED_FLAGS_MASK));
  if (packet.length > offset) hash.update(packet.subarray(offset));
  return hash.digest();
}

/**
 * The context byte (offset 18 in HEADER_1, 34 in HEADER_2), or `undefined` when the packet is
 * too short to have one (Python's `unpack` fails on such a packet and drops it).
 */
export function packetContext(packet: Uint8Array): number | undefined {
  const offset = (packet[0] & HEADER_2_FLAG) !== 0 ? HEADER_2_CONTEXT_OFFSET : HEADER_1_CONTEXT_OFFSET;
  return offset < packet.length ? packet[offset] : undefined;
}

/** Whether byte 0 carries the IFAC flag (the header after it is masked and cannot be parsed). */
export function hasIfacFlag(packet: Uint8Array): boolean {
  return packet.length > 0 && (packet[0] & IFAC_FLAG) !== 0;
}
