import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceId } from '../core/interface-id';
import { BinaryKey } from '../core/binary-key';
import { InterfaceCounts } from './interface-counts';

/** An announce waiting for its rebroadcast, or a path response waiting for its grace time. */
export interface PendingAnnounce {
  /** The announced destination. */
  readonly destination: BinaryKey;
  /** When it was scheduled, ms. */
  readonly timestamp: number;
  /** When it is (re)sent next, ms. */
  retransmitAt: number;
  /** Sends so far. */
  retries: number;
  /** The hops the rebroadcast carries (the received hops plus one). */
  readonly hops: number;
  /** The announce as received, latin1 (the path's own copy: flags, destination and data are reused). */
  readonly announce: string;
  /** Neighbours' rebroadcasts of it heard so far. */
  localRebroadcasts: number;
  /** A path response: sent with context PATH_RESPONSE, on `attached` only, never rate- or mode-checked. */
  readonly pathResponse: boolean;
  /** For a path response: the interface the request came in on. */
  readonly attached: InterfaceEntry | null;
  /** The interface whose traffic created the entry (charged for the table share). */
  readonly chargedTo: InterfaceId;
}

/**
 * Python's `announce_table` and its `held_announces` edge case, bounded: at most `capacity`
 * entries, and at most `share` of them charged to one interface (the one the announce or the
 * path request came in on).
 *
 * The held set: when a path request is answered for a destination whose own announce is still
 * waiting for its rebroadcast, that announce is set aside and put back once the path response
 * went out (Transport.py `path_request`, `jobs`).
 */
export class AnnounceTable {
  private readonly pending = new Map<BinaryKey, PendingAnnounce>();
  private readonly setAside = new Map<BinaryKey, PendingAnnounce>();
  private readonly charges = new InterfaceCounts();

  constructor(
    private readonly capacity: number,
    private readonly share: number,
  ) {}

  /** Entries waiting (set-aside ones included). */
  get size(): number {
    return this.pending.size + this.setAside.size;
  }

  /** The entry of a destination. */
  get(destination: BinaryKey): PendingAnnounce | undefined {
    return this.pending.get(destination);
  }

  /** The waiting entries. */
  values(): IterableIterator<PendingAnnounce> {
    return this.pending.values();
  }

  /**
   * Schedules an entry, replacing the destination's (which is set aside when `setAsideCurrent`,
   * for a path response). False when the table or the interface's share is full.
   */
  set(entry: PendingAnnounce, setAsideCurrent = false): boolean {
    const current = this.pending.get(entry.destination);
    if (current === undefined) {
      if (this.size >= this.capacity) return false;
      if (this.charges.get(entry.chargedTo) >= Math.max(1, Math.floor(this.share * this.capacity)))
        return false;
    } else {
      this.pending.delete(entry.destination);
      if (setAsideCurrent && !current.pathResponse) this.putAside(current);
      else this.charges.remove(current.chargedTo);
    }
    this.pending.set(entry.destination, entry);
    this.charges.add(entry.chargedTo);
    return true;
  }

  /** Removes a destination's entry (not one set aside). */
  delete(destination: BinaryKey): void {
    const entry = this.pending.get(destination);
    if (entry === undefined) return;
    this.pending.delete(destination);
    this.charges.remove(entry.chargedTo);
  }

  /** Puts a set-aside announce back in place of the path response that displaced it. */
  restoreSetAside(destination: BinaryKey): void {
    const held = this.setAside.get(destination);
    if (held === undefined) return;
    this.setAside.delete(destination);
    this.charges.remove(held.chargedTo);
    this.delete(destination);
    this.pending.set(destination, held);
    this.charges.add(held.chargedTo);
  }

  private putAside(entry: PendingAnnounce): void {
    const previous = this.setAside.get(entry.destination);
    if (previous !== undefined) this.charges.remove(previous.chargedTo);
    this.setAside.set(entry.destination, entry);
  }
}
