import { InterfaceEntry } from '../core/driver/interface-entry';
import { PublicIdentity } from '../protocol/identity';
import {
  ENABLED_LINK_MODES,
  LINK_SIGNALLING_LENGTH,
  encodeSignalling,
  linkIdFromLinkRequest,
  linkRequestSignalling,
  validateLinkProof,
} from '../protocol/link';
import { Packet } from '../protocol/packet';
import {
  ADDRESS_LENGTH,
  ADDRESS_OFFSET,
  HASHED_FLAGS_MASK,
  HEADER_2_DESTINATION_OFFSET,
  HeaderType,
  PacketType,
  TransportType,
} from '../protocol/packet-constants';
import { BinaryKey, binaryKey, keyBytes } from '../core/binary-key';
import { LINK_ESTABLISHMENT_TIMEOUT_PER_HOP_MS, RETICULUM_MTU } from './constants';
import { nextHopOf, publicKeyOf } from './path-table';
import { TransportState } from './transport-state';

/** A received packet with what the engine worked out about it. */
export interface Inbound {
  readonly source: InterfaceEntry;
  readonly packet: Packet;
  /** Hops after this node's increment. */
  readonly hops: number;
  /** The destination (or link id, or proven packet hash) as a key. */
  readonly destination: BinaryKey;
  /** The packet hash digest (latin1), when it was computed. */
  digest: string | undefined;
  readonly now: number;
}

/**
 * Moves packets along the tables (Python's `inbound`, transport and link branches, and the proof
 * handling): packets in transport to us along the path table, link traffic along the link table,
 * link request proofs after checking their signature, proofs back along the reverse table.
 */
export class Forwarder {
  constructor(private readonly state: TransportState) {}

  /**
   * A packet in transport addressed to us (HEADER_2, our transport id): on along the path,
   * with our transport id replaced by the next hop's, or as HEADER_1 when the next hop is the
   * destination. A link request also makes a link table entry (its MTU clamped to what both
   * hops carry); anything else a reverse table entry for its proof.
   */
  forwardInTransport(inbound: Inbound, digestOf: () => string): void {
    const state = this.state;
    const counters = state.counters;
    const path = state.paths.get(inbound.destination);
    if (path === undefined) {
      counters.noPath++;
      return;
    }
    const { packet, source, hops, now } = inbound;
    const raw = packet.raw;
    const remaining = path.hops;
    let out: Buffer;
    if (remaining === 1) {
      out = Buffer.allocUnsafe(raw.length - ADDRESS_LENGTH);
      out[0] = (HeaderType.HEADER_1 << 6) | (TransportType.BROADCAST << 4) | (raw[0] & HASHED_FLAGS_MASK);
      out[1] = hops;
      out.set(raw.subarray(HEADER_2_DESTINATION_OFFSET), ADDRESS_OFFSET);
    } else {
      out = Buffer.allocUnsafe(raw.length);
      out.set(raw);
      out[1] = hops;
      if (remaining > 1) out.write(nextHopOf(path), ADDRESS_OFFSET, ADDRESS_LENGTH, 'latin1');
    }
    const outbound = path.iface;
    if (packet.packetType === PacketType.LINKREQUEST) {
      const clamped = this.clampLinkMtu(packet, out, source, outbound);
      if (clamped === null) {
        counters.linkRequestsRefused++;
        return;
      }
      out = clamped;
      const extra = source.info.bitrate ? ((8 * RETICULUM_MTU) / source.info.bitrate) * 1000 : 0;
      const linkId = binaryKey(linkIdFromLinkRequest(packet));
      const outcome = state.links.add({
        linkId,
        timestamp: now,
        outbound,
        remainingHops: remaining,
        inbound: source,
        takenHops: hops,
        destination: inbound.destination,
        validated: false,
        proofTimeout: now + extra + LINK_ESTABLISHMENT_TIMEOUT_PER_HOP_MS * Math.max(1, remaining),
      });
      if (outcome !== 'added') {
        counters.linkTableFull++;
        return;
      }
      state.paths.pin(inbound.destination);
    } else if (
      !state.reverse.add(digestOf().slice(0, ADDRESS_LENGTH), { inbound: source, outbound, timestamp: now })
    ) {
      counters.reverseTableFull++;
    }
    state.host.transmit(outbound, out);
    path.timestamp = now;
    path.used = true;
    counters.forwardedTransport++;
  }

  /**
   * The signalling bytes of a forwarded link request, as Python rewrites them: stripped when the
   * outbound interface has no hardware MTU or neither autoconfigures nor fixes it; clamped to the
   * smaller of both hops' hardware MTUs when either is below the requested MTU. Returns the packet
   * to send, or null when it must be dropped (a mode Python does not enable, or an unknown
   * previous-hop MTU where a clamp is needed: Python fails on both).
   */
  private clampLinkMtu(
    packet: Packet,
    out: Buffer,
    previous: InterfaceEntry,
    next: InterfaceEntry,
  ): Buffer | null {
    const signalling = linkRequestSignalling(packet);
    if (signalling === null) return out;
    const nextMtu = next.info.mtu;
    if (nextMtu === null || (!next.info.autoconfigureMtu && !next.info.fixedMtu)) {
      return out.subarray(0, out.length - LINK_SIGNALLING_LENGTH);
    }
    const previousMtu = previous.info.mtu;
    if (nextMtu >= signalling.mtu && (previousMtu === null || previousMtu >= signalling.mtu)) return out;
    if (previousMtu === null || !ENABLED_LINK_MODES.includes(signalling.mode)) return null;
    out.set(
      encodeSignalling(Math.min(nextMtu, previousMtu), signalling.mode),
      out.length - LINK_SIGNALLING_LENGTH,
    );
    return out;
  }

  /**
   * A packet of a link in the link table: on to the link's other interface when its hops match
   * that direction (Python's hop checks). Its hash is remembered only now, when it is known to be
   * ours to forward.
   */
  routeLink(inbound: Inbound, rememberHash: () => void): void {
    const state = this.state;
    const link = state.links.get(inbound.destination);
    if (link === undefined) return;
    const target = state.links.route(link, inbound.source, inbound.hops);
    if (target === null) {
      state.counters.linkHopMismatch++;
      return;
    }
    rememberHash();
    state.host.transmit(target, withHops(inbound.packet.raw, inbound.hops));
    link.timestamp = inbound.now;
    state.counters.forwardedLink++;
  }

  /**
   * A link request proof for a link in the table: forwarded towards the initiator when it comes
   * from the destination's side with the remaining hop count, carries 96 or 99 bytes and its
   * signature verifies over `link_id + data[64:96] + destination Ed25519 key + signalling`. A
   * valid proof with another hop count rebalances the link's and the path's hops (Python's
   * `ALLOW_LINK_PATH_REBALANCE`).
   */
  forwardLinkProof(inbound: Inbound): void {
    const state = this.state;
    const counters = state.counters;
    const link = state.links.get(inbound.destination);
    if (link === undefined) return;
    const { packet, source, hops } = inbound;
    if (source !== link.outbound || !this.linkProofValid(packet, link.destination)) {
      counters.linkProofsRejected++;
      return;
    }
    if (hops !== link.remainingHops) {
      if (link.validated) {
        counters.linkProofsRejected++;
        return;
      }
      link.remainingHops = hops;
      const path = state.paths.get(link.destination);
      if (path !== undefined) path.hops = hops;
    }
    state.links.validate(link);
    state.host.transmit(link.inbound, withHops(packet.raw, hops));
    state.knownDestinations?.markUsed(keyBytes(link.destination));
    counters.forwardedLinkProofs++;
  }

  private linkProofValid(packet: Packet, destination: BinaryKey): boolean {
    const publicKey = this.destinationKey(destination);
    if (publicKey === undefined) return false;
    return validateLinkProof(packet, new PublicIdentity(publicKey));
  }

  /** A destination's 64-byte public key: from its path's announce, else the known destinations. */
  private destinationKey(destination: BinaryKey): Uint8Array | undefined {
    const path = this.state.paths.get(destination);
    if (path !== undefined) return publicKeyOf(path);
    return this.state.knownDestinations?.publicKeyOf(keyBytes(destination));
  }

  /**
   * A proof for a packet we forwarded: back to where the packet came from, if it arrived on the
   * interface the packet left on. The entry goes either way (Python pops it).
   */
  forwardProof(inbound: Inbound): void {
    const state = this.state;
    const entry = state.reverse.take(inbound.destination);
    if (entry === undefined) return;
    if (inbound.source !== entry.outbound) {
      state.counters.proofsWrongInterface++;
      return;
    }
    state.host.transmit(entry.inbound, withHops(inbound.packet.raw, inbound.hops));
    state.counters.forwardedProofs++;
  }
}

/** A copy of `raw` with its hops byte set. */
export function withHops(raw: Uint8Array, hops: number): Buffer {
  const out = Buffer.allocUnsafe(raw.length);
  out.set(raw);
  out[1] = hops;
  return out;
}
