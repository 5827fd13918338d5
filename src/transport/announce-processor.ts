import { BinaryKey, binaryKey, latin1Of } from '../core/binary-key';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { TurnBudget } from '../core/slices';
import { AnnouncePayload, parseAnnounce } from '../protocol/announce';
import { Packet, parsePacket } from '../protocol/packet';
import { ADDRESS_LENGTH, PacketContext } from '../protocol/packet-constants';
import { packetHashDigest } from '../protocol/packet-hash';
import { AnnounceEmitter } from './announce-emitter';
import { LOCAL_REBROADCASTS_MAX, PATHFINDER_M } from './constants';
import { PathEntry, PathState, hasPublicKey, pathLifetimeMs, shouldUpdatePath } from './path-table';
import { NO_BLOBS, addBlob, blobOf, hasBlob } from './random-blobs';
import { TransportState } from './transport-state';

/**
 * Announces in (Python's `inbound`, ANNOUNCE branch): checked, verified, recorded in the path
 * table and scheduled for rebroadcast.
 *
 * Verification never holds up forwarding. On arrival an announce is parsed once and gets only
 * lookups: a copy of one already verified skips the signature check (the verified cache is keyed
 * by the truncated packet hash, which covers every signed byte); one whose key differs from the
 * destination's known key, one that could change nothing (a copy of the announce the path was
 * learnt from, unless its rebroadcast is pending) and one that finds its interface's share of
 * the queue full are dropped and counted. The rest wait in a bounded, per-interface fair queue
 * that the engine drains in slices of a few milliseconds, one per event-loop turn: there the
 * hashes that bind the destination to key and name, and the signature, are checked once.
 */
export class AnnounceProcessor {
  constructor(
    private readonly state: TransportState,
    private readonly emitter: AnnounceEmitter,
  ) {}

  /** An announce received on `source`; `hops` after this node's increment; `digest` its packet hash. */
  receive(source: InterfaceEntry, packet: Packet, hops: number, digest: string, now: number): void {
    const state = this.state;
    const counters = state.counters;
    counters.announcesReceived++;
    const key = digest.slice(0, ADDRESS_LENGTH);
    const verified = state.verified.has(key);
    if (!verified) {
      if (state.verification.has(key)) {
        counters.announcesRedundant++;
        return;
      }
      // Before any other work: a flood that fills the queue costs next to nothing more.
      if (state.verification.isFull(source.id)) {
        counters.announcesVerifyDropped++;
        return;
      }
    }
    const announce = parseAnnounce(packet);
    if (!announce.ok) {
      counters.announcesMalformed++;
      return;
    }
    if (verified) {
      counters.announcesFromCache++;
      this.accept(source, packet, announce, hops, now);
      return;
    }
    const destination = binaryKey(announce.destinationHash);
    if (this.keyChanged(destination, announce)) {
      counters.announcesKeyChanged++;
      return;
    }
    if (this.isRedundant(destination, announce)) {
      counters.announcesRedundant++;
      return;
    }
    state.verification.enqueue({ packet, announce, source, key });
  }

  /**
   * Checks and processes queued announces until `budget` is spent or none is left; returns how
   * many were taken. Announces from interfaces that went away meanwhile are dropped unchecked.
   */
  drain(budget: TurnBudget, now: number): number {
    const state = this.state;
    let taken = 0;
    for (let item = state.verification.take(); item !== undefined; item = state.verification.take()) {
      taken++;
      if (!state.isGone(item.source)) this.verify(item.source, item.packet, item.announce, item.key, now);
      if (budget.step()) break;
    }
    return taken;
  }

  /** Processes an announce again (released by ingress control), as Python re-inbounds it. */
  reprocess(source: InterfaceEntry, raw: Uint8Array, now: number): void {
    const packet = parsePacket(raw);
    if (!packet.ok) return;
    this.receive(source, packet, packet.hops + 1, packetHashDigest(raw), now);
  }

  /**
   * The checks that wait for the queue: the path's key (learnt meanwhile, perhaps), then the
   * validator's (destination binding, the known key, the signature).
   */
  private verify(
    source: InterfaceEntry,
    packet: Packet,
    announce: AnnouncePayload,
    key: BinaryKey,
    now: number,
  ): void {
    const state = this.state;
    const counters = state.counters;
    const path = state.paths.get(binaryKey(announce.destinationHash));
    if (path !== undefined && !hasPublicKey(path, announce.publicKey)) {
      counters.announcesKeyChanged++;
      return;
    }
    const verdict = state.validator.check(announce);
    if (!verdict.ok) {
      if (verdict.reason === 'invalid-signature') counters.announcesInvalidSignature++;
      else if (verdict.reason === 'destination-mismatch') counters.announcesInvalidDestination++;
      else counters.announcesKeyChanged++;
      return;
    }
    counters.announcesVerified++;
    // A flat copy: the slice of the digest would keep all of it alive in the cache.
    state.verified.add(binaryKey(Buffer.from(key, 'latin1')));
    this.accept(source, packet, announce, packet.hops + 1, now);
  }

  /** Whether the announce's key differs from the one its destination is known by (path or store). */
  private keyChanged(destination: BinaryKey, announce: AnnouncePayload): boolean {
    const path = this.state.paths.get(destination);
    if (path !== undefined) return !hasPublicKey(path, announce.publicKey);
    return this.state.knownDestinations?.keyDiffers(announce.destinationHash, announce.publicKey) === true;
  }

  /** True when the announce could change no state: its blob is the path's and nothing awaits it. */
  private isRedundant(destination: BinaryKey, announce: AnnouncePayload): boolean {
    const path = this.state.paths.get(destination);
    if (path === undefined || path.state === PathState.Unresponsive) return false;
    if (this.state.announces.get(destination) !== undefined) return false;
    return hasBlob(path.blobs, blobOf(announce.randomHash));
  }

  /** A validated announce: ingress control, rebroadcast bookkeeping, the path table. */
  private accept(
    source: InterfaceEntry,
    packet: Packet,
    announce: AnnouncePayload,
    hops: number,
    now: number,
  ): void {
    const state = this.state;
    const counters = state.counters;
    const destination = binaryKey(announce.destinationHash);
    const ifaceState = state.interfaceState(source);
    ifaceState.ingress.announcesIn.record(now);

    const awaited = state.pathRequestTimes.has(destination) || state.discovery.has(destination);
    if (!state.paths.has(destination) && !awaited) {
      const config = source.info.ingressControl;
      if (ifaceState.ingress.shouldLimitAnnounces(now, config)) {
        const held = ifaceState.ingress.held;
        const before = held.size;
        const ok = ifaceState.ingress.hold(
          destination,
          { raw: new Uint8Array(packet.raw), hops },
          config,
          state.heldTotal < state.limits.heldAnnounces,
        );
        state.heldTotal += held.size - before;
        if (ok) counters.announcesHeld++;
        else counters.announcesHoldDropped++;
        return;
      }
    }

    // The announce's bytes, held once by the known destination and the path entry alike.
    const raw = latin1Of(packet.raw);
    const known = state.knownDestinations?.rememberAnnounce(packet, announce, raw, destination);
    if (known === 'key-changed') {
      counters.announcesKeyChanged++;
      return;
    }

    if (packet.transportId !== null) this.noteRebroadcast(destination, hops, now);
    if (hops >= PATHFINDER_M + 1) return;

    const existing = state.paths.get(destination);
    const blob = blobOf(announce.randomHash);
    if (!shouldUpdatePath(existing, { hops, emitted: announce.emissionTime, blob }, now)) return;

    const pathResponse = packet.context === PacketContext.PATH_RESPONSE;
    const rateBlocked = !pathResponse && state.rates.check(destination, source.info, now);
    if (rateBlocked) counters.announcesRateBlocked++;

    const entry: PathEntry = {
      destination,
      timestamp: now,
      hops,
      expires: now + pathLifetimeMs(source.info.mode),
      blobs: addBlob(existing?.blobs ?? NO_BLOBS, blob),
      iface: source,
      announce: raw,
      state: PathState.Unknown,
      used: (existing?.used ?? false) || awaited,
    };
    if (state.paths.set(entry) === 'refused') {
      counters.pathTableFull++;
      return;
    }
    counters.pathUpdates++;
    if (awaited) state.knownDestinations?.markUsed(announce.destinationHash);

    if (
      !pathResponse &&
      !rateBlocked &&
      !this.emitter.schedule(destination, entry.announce, hops, source, now)
    ) {
      counters.announceTableFull++;
    }
    const discovery = state.discovery.get(destination);
    if (discovery !== undefined && !state.isGone(discovery.requester)) {
      this.emitter.sendPathResponse(discovery.requester, entry.announce, hops);
    }
    const tunnel = state.tunnels.ofInterface(source);
    if (tunnel !== undefined) {
      state.tunnels.addPath(
        tunnel,
        destination,
        { timestamp: now, hops, expires: entry.expires, blobs: entry.blobs, announce: entry.announce },
        now,
      );
    }
  }

  /**
   * A neighbour's rebroadcast of an announce we are about to rebroadcast (Python's local
   * rebroadcast detection): enough of them, or one that went a hop further, end ours.
   */
  private noteRebroadcast(destination: BinaryKey, hops: number, now: number): void {
    const announces = this.state.announces;
    const entry = announces.get(destination);
    if (entry === undefined) return;
    if (hops - 1 === entry.hops) {
      entry.localRebroadcasts++;
      if (entry.retries > 0 && entry.localRebroadcasts >= LOCAL_REBROADCASTS_MAX) {
        announces.delete(destination);
        return;
      }
    }
    if (hops - 1 === entry.hops + 1 && entry.retries > 0 && now < entry.retransmitAt)
      announces.delete(destination);
  }
}
