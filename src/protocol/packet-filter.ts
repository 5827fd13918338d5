import { PacketContext } from './packet-constants';

/**
 * The contexts Python's `Transport.packet_filter` accepts without the duplicate check (its first
 * rule): these legitimately repeat byte for byte. An idle link's keepalives are identical;
 * resource parts, part requests and proofs are re-sent unchanged on retry.
 */
export const DEDUP_EXEMPT_CONTEXTS: readonly number[] = Object.freeze([
  PacketContext.KEEPALIVE,
  PacketContext.RESOURCE_REQ,
  PacketContext.RESOURCE_PRF,
  PacketContext.RESOURCE,
  PacketContext.CACHE_REQUEST,
  PacketContext.CHANNEL,
]);

/** A 256-entry table: one indexed load per packet instead of a chain of comparisons. */
const EXEMPT_TABLE = new Uint8Array(256);
for (const context of DEDUP_EXEMPT_CONTEXTS) EXEMPT_TABLE[context] = 1;

/** Whether a packet with this context byte bypasses the duplicate check. */
export function isDedupExemptContext(context: number): boolean {
  return EXEMPT_TABLE[context & 0xff] === 1;
}
