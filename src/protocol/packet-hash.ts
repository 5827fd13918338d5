import { createHash, hash as oneShotHash } from 'node:crypto';
import {
  ADDRESS_LENGTH,
  FULL_HASH_LENGTH,
  HASHED_FLAGS_MASK,
  HEADER_1_HASHED_OFFSET,
  HEADER_2_FLAG,
  HEADER_2_HASHED_OFFSET,
} from './packet-constants';

/**
 * Largest packet hashed through the shared scratch buffer. Larger packets (resource parts on
 * big-MTU links) take the streaming path: one extra allocation, no large buffer.
 */
const SCRATCH_LIMIT = 65_536;

/**
 * Hashable parts up to this length reuse a cached view of the scratch buffer (one per length and
 * header type, so at most twice this many small objects): creating a view per packet costs about
 * a fifth of the hash itself. The cap keeps a peer cycling lengths from growing the cache far.
 */
const CACHED_VIEW_LIMIT = 2048;

// One scratch buffer for the module: hashing is synchronous, so no call can interleave with another.
const scratch = Buffer.allocUnsafe(SCRATCH_LIMIT);
const header1Views: Array<Buffer | undefined> = new Array<Buffer | undefined>(CACHED_VIEW_LIMIT + 1);
const header2Views: Array<Buffer | undefined> = new Array<Buffer | undefined>(CACHED_VIEW_LIMIT + 1);

/**
 * Offset of the first hashed byte after the flags: HEADER_2 packets skip the transport id, so a
 * packet keeps its hash when a transport node inserts or strips one (`Packet.get_hashable_part`).
 */
export function hashedBodyOffset(raw: Uint8Array): number {
  return (raw[0] & HEADER_2_FLAG) !== 0 ? HEADER_2_HASHED_OFFSET : HEADER_1_HASHED_OFFSET;
}

/**
 * The packet hash as a 32-character latin1 string (one character per digest byte): the cheapest
 * form node:crypto returns (a Buffer digest costs an allocation that about halves the rate). Read
 * bytes with `charCodeAt`, or use {@link packetHash} for a Buffer.
 *
 * The hash is Python's `Packet.get_hash`: SHA-256 over `flags & 0x0F`, then the packet from
 * byte 2 (HEADER_1) or byte 18 (HEADER_2) on. Hops and transport id are never hashed.
 *
 * The packet is copied whole into a scratch buffer (one native copy, no view made), the byte just
 * before the hashed body overwritten with the masked flags, and a cached view of that range
 * hashed: the input is never written to.
 *
 * @param end hash only the bytes before this offset (a link request's id leaves out its
 *   signalling bytes); defaults to the whole packet
 */
export function packetHashDigest(raw: Uint8Array, end: number = raw.length): string {
  const offset = hashedBodyOffset(raw);
  const hashedLength = 1 + (end > offset ? end - offset : 0);
  if (raw.length > SCRATCH_LIMIT) {
    return createHash('sha256')
      .update(Uint8Array.of(raw[0] & HASHED_FLAGS_MASK))
      .update(raw.subarray(offset, end))
      .digest('binary');
  }
  scratch.set(raw, 0);
  const start = offset - 1;
  scratch[start] = raw[0] & HASHED_FLAGS_MASK;
  if (hashedLength > CACHED_VIEW_LIMIT)
    return oneShotHash('sha256', scratch.subarray(start, start + hashedLength), 'binary');
  const views = start === 1 ? header1Views : header2Views;
  let view = views[hashedLength];
  if (view === undefined) {
    view = scratch.subarray(start, start + hashedLength);
    views[hashedLength] = view;
  }
  return oneShotHash('sha256', view, 'binary');
}

/**
 * The 32-bit word (little-endian, signed) at `offset` of a latin1 digest string: two of them make
 * the 64-bit keys of the flat dedup tables.
 */
export function digestWord(digest: string, offset: number): number {
  return (
    digest.charCodeAt(offset) |
    (digest.charCodeAt(offset + 1) << 8) |
    (digest.charCodeAt(offset + 2) << 16) |
    (digest.charCodeAt(offset + 3) << 24)
  );
}

/** Writes the first `length` bytes of a latin1 digest string into `out` at `offset`. */
export function digestInto(digest: string, out: Uint8Array, offset = 0, length = digest.length): void {
  for (let i = 0; i < length; i++) out[offset + i] = digest.charCodeAt(i);
}

/** The full 32-byte packet hash, exactly as Python RNS computes it (`Packet.get_hash`). */
export function packetHash(raw: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FULL_HASH_LENGTH);
  digestInto(packetHashDigest(raw), out);
  return out;
}

/** The 16-byte truncated packet hash (`Packet.getTruncatedHash`): the first half of {@link packetHash}. */
export function truncatedPacketHash(raw: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(ADDRESS_LENGTH);
  digestInto(packetHashDigest(raw), out, 0, ADDRESS_LENGTH);
  return out;
}

/** SHA-256 of `data` (`Identity.full_hash`). */
export function fullHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The first 16 bytes of SHA-256 of `data` (`Identity.truncated_hash`). */
export function truncatedHash(data: Uint8Array): Buffer {
  return fullHash(data).subarray(0, ADDRESS_LENGTH);
}
