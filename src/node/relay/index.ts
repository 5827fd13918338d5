/** The relay: the node's default packet handler, forwarding frames between interfaces. */
export { DedupCache } from '../../core/dedup-cache';
export type { DedupCacheOptions } from '../../core/dedup-cache';
export {
  DEDUP_EXEMPT_CONTEXTS,
  DEFAULT_MAX_REPEAT_SIGHTINGS,
  isDedupExemptContext,
} from './dedup-exemptions';
export { PacketKeyHasher } from './packet-key';
export { DEFAULT_DEDUP_MAX_ENTRIES, DEFAULT_DEDUP_TTL_MS, Relay, emptyRelayCounters } from './relay';
export type { RelayCounters, RelayOptions } from './relay';
export type { RelayHost } from './relay-host';
