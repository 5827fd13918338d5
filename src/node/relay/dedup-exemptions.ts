export { DEDUP_EXEMPT_CONTEXTS, isDedupExemptContext } from '../../protocol/packet-filter';

/**
 * Which packets the relay lets repeat, following Python RNS `Transport.packet_filter`
 * (RNS/Transport.py), and where a relay has to differ from it.
 *
 * Python's filter first drops a non-announce HEADER_2 packet whose transport id is not its own
 * (it is for another transport node). A relay has no transport identity and is the medium those
 * nodes share, so it relays such packets. Then, in order:
 * 1. context KEEPALIVE, RESOURCE_REQ, RESOURCE_PRF, RESOURCE, CACHE_REQUEST or CHANNEL: accepted
 *    without looking at the hash list. These legitimately repeat byte for byte (an idle link's
 *    keepalives are identical; resource parts, part requests and proofs are re-sent unchanged on
 *    retry). The relay reproduces exactly this set ({@link DEDUP_EXEMPT_CONTEXTS}).
 * 2. PLAIN or GROUP destination: a non-announce with hops <= 1 (after Python's own increment,
 *    so 0 on the wire) is accepted without the hash check; one with more hops, and any PLAIN or
 *    GROUP announce, is dropped. The relay does NOT copy this: it is a receiver's validity rule
 *    (every Python receiver applies it anyway) and exempting PLAIN packets from dedup would let
 *    any loop of relays circulate them forever, because a relay never changes the hops byte.
 *    PLAIN/GROUP packets are deduplicated like any other. In RNS itself they are path requests
 *    and tunnel synthesis (each carries a random tag, so never legitimately identical) and GROUP
 *    payloads are encrypted with a fresh IV, so only an application broadcasting the very same
 *    PLAIN payload twice within the dedup lifetime loses its second copy.
 * 3. a hash already in the hash list: dropped, except an ANNOUNCE to a SINGLE destination, which
 *    Python accepts again (a transport node's rebroadcast has the same hash with more hops, and
 *    Python uses hearing it for its rebroadcast bookkeeping). The relay cannot exempt announces
 *    outright: with the hops byte untouched, a loop would carry an announce forever. It keys
 *    announces by the whole frame instead (see `PacketKeyHasher.keyFrame`): a transport node's
 *    rebroadcast (other hops, an inserted transport id) is a new frame and is relayed, as Python
 *    would accept it; a loop's copy is bit-identical and is dropped. A bit-identical announce
 *    (a path response re-sent unchanged to a second requester) is dropped within the dedup
 *    lifetime; the first copy already went to every interface.
 *
 * Python also skips remembering the hashes of link-request proofs and of packets for links in its
 * own link table; that concerns routed transport (a packet seen on a shared medium before the
 * routing chain reaches this node), not a flooding relay, which sees each packet once per copy.
 *
 * Loop guard: the exempt contexts are relayed without dedup, but a relay loop
 * would circulate them forever. The relay therefore counts bit-identical sightings and stops
 * after {@link DEFAULT_MAX_REPEAT_SIGHTINGS} within one dedup lifetime. No Python retry schedule
 * comes near that: keepalives are at least 5 s apart (`Link.KEEPALIVE_MIN`), so at most 7 fit in
 * the default 30 s lifetime; a resource part or request is retried at most `MAX_RETRIES` = 16
 * times; channel retries are re-encrypted, hence new bytes.
 */

/**
 * Bit-identical sightings of an exempt packet allowed within one dedup lifetime
 * before the loop guard drops further copies (see the file comment for why 32 is safe).
 */
export const DEFAULT_MAX_REPEAT_SIGHTINGS = 32;
