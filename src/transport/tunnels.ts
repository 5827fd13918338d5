import { createHash, randomBytes } from 'node:crypto';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../protocol/announce';
import { PublicIdentity } from '../protocol/identity';
import { TUNNEL_SYNTHESIZE_DESTINATION } from '../protocol/destination';
import { Packet, serialisePacket } from '../protocol/packet';
import {
  ADDRESS_LENGTH,
  DestinationType,
  FULL_HASH_LENGTH,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../protocol/packet-constants';
import { fullHash } from '../protocol/packet-hash';
import { BinaryKey, binaryKey } from '../core/binary-key';
import { interfaceIdentity } from './interface-identity';
import { PathEntry, PathState } from './path-table';
import { blobsTimebase } from './random-blobs';
import { TransportState } from './transport-state';
import { TunnelPath } from './tunnel-table';

/** Tunnel synthesis data: public key, interface hash, random hash, signature. */
const SYNTHESIS_LENGTH = PUBLIC_KEY_LENGTH + FULL_HASH_LENGTH + ADDRESS_LENGTH + SIGNATURE_LENGTH;
const SIGNED_LENGTH = PUBLIC_KEY_LENGTH + FULL_HASH_LENGTH + ADDRESS_LENGTH;

/**
 * Tunnels (Python's `synthesize_tunnel`, `tunnel_synthesize_handler`, `handle_tunnel`): a client
 * that connects to us sends `rnstransport.tunnel.synthesize`, signed with its transport identity;
 * we record the tunnel, remember every path learnt through it, and restore those paths when the
 * same client (same identity, same interface) comes back on a new connection. We do the same
 * towards the transport nodes our own client interfaces connect to.
 */
export class Tunnels {
  constructor(private readonly state: TransportState) {}

  /** A synthesis packet received on `source` (PLAIN, at most one hop, so from a neighbour). */
  receive(source: InterfaceEntry, packet: Packet, now: number): void {
    const state = this.state;
    const data = packet.data;
    if (data.length !== SYNTHESIS_LENGTH) {
      state.counters.tunnelsRejected++;
      return;
    }
    const publicKey = data.subarray(0, PUBLIC_KEY_LENGTH);
    const signed = data.subarray(0, SIGNED_LENGTH);
    const signature = data.subarray(SIGNED_LENGTH, SYNTHESIS_LENGTH);
    if (!new PublicIdentity(publicKey).verify(signature, signed)) {
      state.counters.tunnelsRejected++;
      return;
    }
    const id = binaryKey(fullHash(data.subarray(0, PUBLIC_KEY_LENGTH + FULL_HASH_LENGTH)));
    const attached = state.tunnels.attach(id, source, now);
    if (attached === undefined) {
      state.counters.tunnelsRejected++;
      return;
    }
    state.counters.tunnelsSynthesized++;
    if (attached.reappeared) this.restore(attached.tunnel.paths, source, now);
  }

  /**
   * Sends our synthesis on an interface that wants a tunnel (a client interface that connected):
   * `public key + interface hash + random hash`, signed. The interface hash names the configured
   * interface, so it is the same after a reconnect or a restart.
   */
  synthesize(target: InterfaceEntry): void {
    const state = this.state;
    const interfaceHash = createHash('sha256')
      .update(interfaceIdentity(target) ?? `${target.typeName}[${target.info.name}]`, 'utf8')
      .digest();
    const signed = Buffer.concat([state.identity.publicKey, interfaceHash, randomBytes(ADDRESS_LENGTH)]);
    const data = Buffer.concat([signed, state.identity.sign(signed)]);
    state.host.transmit(
      target,
      serialisePacket({
        ifac: false,
        headerType: HeaderType.HEADER_1,
        contextFlag: false,
        transportType: TransportType.BROADCAST,
        destinationType: DestinationType.PLAIN,
        packetType: PacketType.DATA,
        hops: 0,
        transportId: null,
        destinationHash: TUNNEL_SYNTHESIZE_DESTINATION,
        context: PacketContext.NONE,
        data,
      }),
    );
  }

  /**
   * Restores a reappeared tunnel's paths onto its new interface, as Python does: a path not in
   * the table while it has not expired; one in the table when the tunnel's has as few hops (or
   * the table's expired) and is at least as recent. Paths that lose are dropped from the tunnel.
   */
  private restore(paths: Map<BinaryKey, TunnelPath>, iface: InterfaceEntry, now: number): void {
    const state = this.state;
    for (const [destination, saved] of paths) {
      const current = state.paths.get(destination);
      let restore: boolean;
      if (current === undefined) restore = now < saved.expires;
      else {
        restore =
          (saved.hops <= current.hops || now > current.expires) &&
          blobsTimebase(saved.blobs) >= blobsTimebase(current.blobs);
      }
      if (!restore) {
        paths.delete(destination);
        continue;
      }
      const entry: PathEntry = {
        destination,
        timestamp: now,
        hops: saved.hops,
        expires: saved.expires,
        blobs: saved.blobs,
        iface,
        announce: saved.announce,
        state: PathState.Unknown,
        used: current?.used ?? false,
      };
      if (state.paths.set(entry) !== 'refused') state.counters.tunnelPathsRestored++;
    }
  }
}
