import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceId } from '../core/interface-id';
import { InterfaceMode } from '../core/interface-mode';
import { PUBLIC_KEY_LENGTH } from '../protocol/announce';
import {
  ADDRESS_LENGTH,
  ADDRESS_OFFSET,
  HEADER_1_CONTEXT_OFFSET,
  HEADER_2_CONTEXT_OFFSET,
  HEADER_2_FLAG,
} from '../protocol/packet-constants';
import { BinaryKey, latin1Equals } from '../core/binary-key';
import { AP_PATH_TIME_MS, PATHFINDER_E_MS, ROAMING_PATH_TIME_MS } from './constants';
import { RandomBlobs, blobsTimebase, blobsTimebaseUpTo, hasBlob } from './random-blobs';

/** Python's path states (`STATE_UNKNOWN`, `STATE_UNRESPONSIVE`, `STATE_RESPONSIVE`). */
export const PathState = { Unknown: 0, Unresponsive: 1, Responsive: 2 } as const;
/** One of the {@link PathState} values. */
export type PathState = (typeof PathState)[keyof typeof PathState];

/** One path: how to reach a destination, learnt from its announce. */
export interface PathEntry {
  /** The destination. */
  readonly destination: BinaryKey;
  /** When the path was learnt or last used to forward, ms. */
  timestamp: number;
  /** Hops to the destination (Python may rebalance it from a link proof). */
  hops: number;
  /** When the announce that made the path stops being preferred over longer paths, ms. */
  readonly expires: number;
  /** Random blobs of the destination's recent announces. */
  readonly blobs: RandomBlobs;
  /** The interface the announce came in on: where packets for the destination go. */
  readonly iface: InterfaceEntry;
  /**
   * The announce as received (its hops byte as it was on the wire), answered to path requests:
   * a latin1 string, one character per byte, as compact as the heap holds bytes (a byte array
   * would add an object, a buffer and a backing store per path).
   */
  readonly announce: string;
  /** Whether the path was found unresponsive. */
  state: PathState;
  /** Whether the path carried traffic or answered a path request (kept over unused ones when full). */
  used: boolean;
}

/**
 * The next hop of a path: the transport id its announce came through (HEADER_2), or the
 * destination itself (HEADER_1). Both sit at bytes 2..17 of the announce.
 */
export function nextHopOf(path: PathEntry): BinaryKey {
  return path.announce.slice(ADDRESS_OFFSET, ADDRESS_OFFSET + ADDRESS_LENGTH);
}

/** A path's announce as bytes. */
export function announceBytes(path: PathEntry): Buffer {
  return Buffer.from(path.announce, 'latin1');
}

/** Where the 64-byte public key starts in a path's announce. */
function publicKeyOffset(path: PathEntry): number {
  const header2 = (path.announce.charCodeAt(0) & HEADER_2_FLAG) !== 0;
  return (header2 ? HEADER_2_CONTEXT_OFFSET : HEADER_1_CONTEXT_OFFSET) + 1;
}

/** The 64-byte public key in a path's cached announce. */
export function publicKeyOf(path: PathEntry): Buffer {
  const at = publicKeyOffset(path);
  return Buffer.from(path.announce.slice(at, at + PUBLIC_KEY_LENGTH), 'latin1');
}

/** Whether `key` is the public key in a path's cached announce (no allocation). */
export function hasPublicKey(path: PathEntry, key: Uint8Array): boolean {
  return key.length === PUBLIC_KEY_LENGTH && latin1Equals(path.announce, publicKeyOffset(path), key);
}

/** A path's lifetime for the mode of the interface it came in on (Python's `expires`). */
export function pathLifetimeMs(mode: InterfaceMode): number {
  if (mode === InterfaceMode.AccessPoint) return AP_PATH_TIME_MS;
  if (mode === InterfaceMode.Roaming) return ROAMING_PATH_TIME_MS;
  return PATHFINDER_E_MS;
}

/**
 * Whether a validated announce replaces the path table's entry for its destination (Python's
 * rule, Transport.py `inbound`, ANNOUNCE branch):
 * - no entry: yes;
 * - as many hops or fewer: when it was emitted after the newest announce recorded and its blob is
 *   new (an equal emission on a higher-gravity interface would also win; rns-net has no gravity);
 * - more hops: when its blob is new and the path has expired or it was emitted later, or when it
 *   is the same emission and the path was found unresponsive.
 */
export function shouldUpdatePath(
  existing: PathEntry | undefined,
  announce: { readonly hops: number; readonly emitted: number; readonly blob: string },
  now: number,
): boolean {
  if (existing === undefined) return true;
  const blobSeen = hasBlob(existing.blobs, announce.blob);
  if (announce.hops <= existing.hops) {
    return !blobSeen && announce.emitted > blobsTimebase(existing.blobs);
  }
  if (now >= existing.expires) return !blobSeen;
  const pathEmitted = blobsTimebaseUpTo(existing.blobs, announce.emitted);
  if (announce.emitted > pathEmitted) return !blobSeen;
  return announce.emitted === pathEmitted && existing.state === PathState.Unresponsive;
}

/** Outcome of {@link PathTable.set}. */
export type PathSetOutcome = 'added' | 'replaced' | 'refused';

/**
 * The path table, bounded. When it is full a new destination takes the place of another path:
 * from its own interface if that interface already holds its share of the table, otherwise from
 * the interface holding the most paths, so one peer announcing throwaway destinations churns its
 * own entries and never pushes another interface below its own count. Among the candidates
 * (the oldest few of that interface) an unused path goes before a used one, a longer one before
 * a shorter one; a path a live link runs over (pinned) is never evicted. When no path can go,
 * the new one is refused.
 */
export class PathTable {
  private readonly paths = new Map<BinaryKey, PathEntry>();
  /** Destinations per interface, oldest announce first (insertion order). */
  private readonly byInterface = new Map<InterfaceId, Set<BinaryKey>>();
  /** Live links per destination. */
  private readonly pins = new Map<BinaryKey, number>();
  /** Paths evicted to make room. */
  evictions = 0;
  /** New paths refused because nothing could be evicted. */
  refusals = 0;

  constructor(
    private readonly capacity: number,
    private readonly share: number,
    private readonly evictionSample = 32,
  ) {}

  /** Paths held. */
  get size(): number {
    return this.paths.size;
  }

  /** The path to a destination. */
  get(destination: BinaryKey): PathEntry | undefined {
    return this.paths.get(destination);
  }

  /** Whether a path to the destination is known. */
  has(destination: BinaryKey): boolean {
    return this.paths.has(destination);
  }

  /** Every path, in no particular order. */
  values(): IterableIterator<PathEntry> {
    return this.paths.values();
  }

  /** Paths held via an interface. */
  countFor(ifaceId: InterfaceId): number {
    return this.byInterface.get(ifaceId)?.size ?? 0;
  }

  /** Adds or replaces the path to `entry.destination`, evicting another when full. */
  set(entry: PathEntry): PathSetOutcome {
    const key = entry.destination;
    const old = this.paths.get(key);
    if (old === undefined && this.paths.size >= this.capacity && !this.evictFor(entry.iface.id)) {
      this.refusals++;
      return 'refused';
    }
    if (old !== undefined) this.unindex(old);
    this.paths.set(key, entry);
    let set = this.byInterface.get(entry.iface.id);
    if (set === undefined) {
      set = new Set();
      this.byInterface.set(entry.iface.id, set);
    }
    set.add(key);
    return old === undefined ? 'added' : 'replaced';
  }

  /** Removes a path; true when there was one. */
  delete(destination: BinaryKey): boolean {
    const entry = this.paths.get(destination);
    if (entry === undefined) return false;
    this.paths.delete(destination);
    this.unindex(entry);
    return true;
  }

  /** A live link now runs over the path to `destination`: never evict it. */
  pin(destination: BinaryKey): void {
    this.pins.set(destination, (this.pins.get(destination) ?? 0) + 1);
  }

  /** A link over `destination`'s path ended. */
  unpin(destination: BinaryKey): void {
    const left = (this.pins.get(destination) ?? 1) - 1;
    if (left > 0) this.pins.set(destination, left);
    else this.pins.delete(destination);
  }

  /** Whether a live link runs over the path. */
  isPinned(destination: BinaryKey): boolean {
    return this.pins.has(destination);
  }

  /**
   * Removes the paths `isStale` names, except pinned ones (a link in use keeps its path; the
   * link table drops the link when its interfaces go, which unpins it). Returns how many went.
   */
  cull(isStale: (entry: PathEntry) => boolean): number {
    let removed = 0;
    for (const entry of this.paths.values()) {
      if (this.pins.has(entry.destination) || !isStale(entry)) continue;
      this.paths.delete(entry.destination);
      this.unindex(entry);
      removed++;
    }
    return removed;
  }

  private unindex(entry: PathEntry): void {
    const set = this.byInterface.get(entry.iface.id);
    if (set === undefined) return;
    set.delete(entry.destination);
    if (set.size === 0) this.byInterface.delete(entry.iface.id);
  }

  /** Makes room for one path from `ifaceId`; false when nothing may go. */
  private evictFor(ifaceId: InterfaceId): boolean {
    const own = this.byInterface.get(ifaceId);
    let holder: Set<BinaryKey> | undefined;
    if (own !== undefined && own.size >= this.share * this.capacity) holder = own;
    else {
      for (const set of this.byInterface.values())
        if (holder === undefined || set.size > holder.size) holder = set;
    }
    if (holder === undefined) return false;
    const victim = this.pickVictim(holder);
    if (victim === undefined) return false;
    this.delete(victim);
    this.evictions++;
    return true;
  }

  /** The best victim among the oldest unpinned paths of `holder`. */
  private pickVictim(holder: Set<BinaryKey>): BinaryKey | undefined {
    let best: PathEntry | undefined;
    let looked = 0;
    let scanned = 0;
    for (const key of holder) {
      if (++scanned > this.evictionSample * 8) break;
      if (this.pins.has(key)) continue;
      const entry = this.paths.get(key) as PathEntry;
      if (best === undefined || victimRank(entry) > victimRank(best)) best = entry;
      if (++looked >= this.evictionSample) break;
    }
    return best?.destination;
  }
}

/** Higher goes first: unused before used, then more hops. */
function victimRank(entry: PathEntry): number {
  return (entry.used ? 0 : 256) + entry.hops;
}
