import { Clock } from '../../core/clock';
import { InterfaceEntry } from '../../core/driver/interface-entry';
import { PacketHandler } from '../../core/driver/packet-handler';
import { DedupCache } from '../../core/dedup-cache';
import { DEFAULT_MAX_REPEAT_SIGHTINGS, isDedupExemptContext } from './dedup-exemptions';
import { PacketKeyHasher } from './packet-key';
import {
  HEADER_1_CONTEXT_OFFSET,
  HEADER_2_CONTEXT_OFFSET,
  HEADER_2_FLAG,
  PACKET_TYPE_MASK,
  PacketType,
} from '../../protocol/packet-constants';
import { RelayHost } from './relay-host';

/**
 * Default dedup lifetime. A loop copy comes back after the loop's round trip plus whatever sits
 * in the writers' buffers (a full 4 MiB peer send budget drains in about 3.5 s at 10 Mbit/s), so
 * keys must outlive that on the links a backbone runs over; shorter is kinder to the rare
 * legitimate bit-identical repeat (see dedup-exemptions).
 */
export const DEFAULT_DEDUP_TTL_MS = 30_000;

/**
 * Default dedup cap, the size of Python's `Transport.hashlist_maxsize` (1,000,000). At most
 * about 26 MiB of flat typed arrays (13 bytes a slot, two generations of 2^20 slots), allocated
 * as traffic grows. At 110 k frames/s (1 M deliveries/s to 9 peers) a generation fills in under
 * 5 s, so the effective window is then 5..10 s: still far above any loop's round trip.
 */
export const DEFAULT_DEDUP_MAX_ENTRIES = 1_048_576;

/** Options of a {@link Relay}. */
export interface RelayOptions {
  /** Time source for dedup expiry. */
  readonly clock: Clock;
  /** Dedup lifetime in ms (keys live between half of it and all of it); default 30 s. */
  readonly dedupTtlMs?: number;
  /** Most keys the dedup cache holds; default 1,048,576. */
  readonly dedupMaxEntries?: number;
  /**
   * Bit-identical copies of an exempt-context packet relayed within one dedup
   * lifetime before the loop guard drops the rest; default 32.
   */
  readonly maxRepeatSightings?: number;
}

/**
 * The relay's own counters, plain numbers bumped in place (read them, do not write them).
 * Per-interface counts live in each entry's stats.
 */
export interface RelayCounters {
  /** Frames handed to the relay. */
  received: number;
  /** Frames that passed the filters and that at least one writer accepted. */
  forwarded: number;
  /** Frames that passed the filters while no other interface was online, or every writer refused. */
  undelivered: number;
  /** Packet copies a writer accepted (one frame to 9 peers counts 9). */
  deliveries: number;
  /** Frames dropped as duplicates (including those the loop guard stopped). */
  duplicatesDropped: number;
  /** Of `duplicatesDropped`: exempt-context packets seen more than the repeat limit (a loop). */
  loopGuardDropped: number;
  /** Copies refused because the destination's writer buffer was full. */
  refusedFull: number;
  /** Copies refused because the destination's writer was offline. */
  refusedOffline: number;
  /** Frames dropped as too short to hold their header's context byte. */
  malformed: number;
}

/** A fresh set of zeroed relay counters. */
export function emptyRelayCounters(): RelayCounters {
  return {
    received: 0,
    forwarded: 0,
    undelivered: 0,
    deliveries: 0,
    duplicatesDropped: 0,
    loopGuardDropped: 0,
    refusedFull: 0,
    refusedOffline: 0,
    malformed: 0,
  };
}

/**
 * Forwards every accepted frame to every other online interface, as a shared medium would, so
 * Python RNS nodes attached to this node reach each other. The frame's bytes are handed on as
 * they are (the hops byte included: Python checks hop counts exactly), never back to the source.
 *
 * Interface access codes (IFAC) are checked and stripped by the driver below the relay, and put
 * on again per interface when it sends: the relay sees plain packets only.
 *
 * Filters, in order:
 * 1. Too short to hold the context byte (under 19 bytes for HEADER_1, 35 for HEADER_2): dropped
 *    and counted as `malformed`. Every Python receiver drops such a packet in `unpack`, and
 *    without a context it cannot be classed for dedup, so relaying it could only waste bandwidth
 *    or loop. (The stream decoder already drops frames of 19 bytes or less.)
 * 2. Context exempt in Python's `packet_filter` (keepalive, resource parts, ...): relayed, loop
 *    guard only.
 * 3. Announces: deduplicated by whole-frame hash; everything else by Reticulum packet hash.
 * See dedup-exemptions.ts for why each rule is what it is.
 *
 * Hot path: one SHA-256 per frame into a reused scratch buffer, a 64-bit key in flat typed
 * arrays (no per-packet object kept), an index loop over the host's stable array, no closures
 * and nothing allocated per destination. Writers never block; a refusal is counted and the loop
 * moves on, so a slow peer never delays the others.
 */
export class Relay implements PacketHandler {
  /** Relay-wide counters. */
  readonly counters: RelayCounters = emptyRelayCounters();
  private readonly dedup: DedupCache;
  private readonly keys = new PacketKeyHasher();
  private readonly maxRepeatSightings: number;

  constructor(
    private readonly host: RelayHost,
    options: RelayOptions,
  ) {
    this.dedup = new DedupCache({
      clock: options.clock,
      ttlMs: options.dedupTtlMs ?? DEFAULT_DEDUP_TTL_MS,
      maxEntries: options.dedupMaxEntries ?? DEFAULT_DEDUP_MAX_ENTRIES,
    });
    this.maxRepeatSightings = options.maxRepeatSightings ?? DEFAULT_MAX_REPEAT_SIGHTINGS;
  }

  /** Keys currently held by the dedup cache (for status output and tests). */
  get dedupSize(): number {
    return this.dedup.size;
  }

  /** Filters one frame and forwards it to every other online interface. */
  handle(source: InterfaceEntry, packet: Uint8Array): void {
    const counters = this.counters;
    counters.received++;
    const flags = packet[0];
    const keys = this.keys;

    const contextOffset = (flags & HEADER_2_FLAG) !== 0 ? HEADER_2_CONTEXT_OFFSET : HEADER_1_CONTEXT_OFFSET;
    if (packet.length <= contextOffset) {
      counters.malformed++;
      return;
    }

    if (isDedupExemptContext(packet[contextOffset])) {
      keys.keyPacket(packet);
      if (this.isLoopRepeat()) return this.dropDuplicate(source, true);
    } else {
      if ((flags & PACKET_TYPE_MASK) === PacketType.ANNOUNCE) keys.keyFrame(packet);
      else keys.keyPacket(packet);
      if (this.dedup.checkAndAdd(keys.high, keys.low)) return this.dropDuplicate(source, false);
    }
    this.forward(source, packet);
  }

  private isLoopRepeat(): boolean {
    return this.dedup.countSighting(this.keys.high, this.keys.low) >= this.maxRepeatSightings;
  }

  private dropDuplicate(source: InterfaceEntry, loopGuard: boolean): void {
    this.counters.duplicatesDropped++;
    if (loopGuard) this.counters.loopGuardDropped++;
    source.stats.rxDuplicates++;
  }

  private forward(source: InterfaceEntry, packet: Uint8Array): void {
    const counters = this.counters;
    const host = this.host;
    const targets = host.onlineInterfaces();
    let accepted = 0;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      if (target === source) continue;
      const outcome = host.transmit(target, packet);
      if (outcome === 'accepted') accepted++;
      else if (outcome === 'buffer_full') counters.refusedFull++;
      else counters.refusedOffline++;
    }
    counters.deliveries += accepted;
    if (accepted > 0) counters.forwarded++;
    else counters.undelivered++;
  }
}
