import { InterfaceEntry } from '../core/driver/interface-entry';
import { BinaryKey } from '../core/binary-key';
import { LINK_TIMEOUT_MS } from './constants';
import { InterfaceCounts } from './interface-counts';

/** A link routed through this node (Python's `link_table` entry). */
export interface LinkEntry {
  /** The link id. */
  readonly linkId: BinaryKey;
  /** Created, or when the link last carried a packet, ms. */
  timestamp: number;
  /** The interface towards the destination. */
  readonly outbound: InterfaceEntry;
  /** Hops from here to the destination (a valid proof may rebalance it). */
  remainingHops: number;
  /** The interface the link request came in on, towards the initiator. */
  readonly inbound: InterfaceEntry;
  /** Hops the link request had taken to reach here. */
  readonly takenHops: number;
  /** The link's destination. */
  readonly destination: BinaryKey;
  /** Whether the destination's proof came back (the link is established). */
  validated: boolean;
  /** An unproven entry is dropped at this time, ms. */
  readonly proofTimeout: number;
}

/** Outcome of {@link LinkTable.add}. */
export type LinkAddOutcome = 'added' | 'table-full' | 'interface-share' | 'pending-quota';

/**
 * The link table, bounded three ways: a total, a share of it per requesting interface, and a
 * quota of unproven entries per requesting interface (a link request flood costs its sender's
 * interface only, and those entries expire within seconds). When the table is full, the oldest
 * unproven entry makes room; established links are never evicted.
 */
export class LinkTable {
  private readonly links = new Map<BinaryKey, LinkEntry>();
  private readonly perInterface = new InterfaceCounts();
  private readonly pendingPerInterface = new InterfaceCounts();

  constructor(
    private readonly capacity: number,
    private readonly share: number,
    private readonly pendingQuota: number,
    /** Called when an entry leaves the table (to release the path it pinned). */
    private readonly onRemove: (entry: LinkEntry) => void = () => undefined,
  ) {}

  /** Entries held. */
  get size(): number {
    return this.links.size;
  }

  /** A link's entry. */
  get(linkId: BinaryKey): LinkEntry | undefined {
    return this.links.get(linkId);
  }

  /** Whether the id is a link in the table. */
  has(linkId: BinaryKey): boolean {
    return this.links.has(linkId);
  }

  /** Every entry, oldest first. */
  values(): IterableIterator<LinkEntry> {
    return this.links.values();
  }

  /** Adds an unproven link (replacing an entry with the same id), or says why not. */
  add(entry: LinkEntry): LinkAddOutcome {
    const existing = this.links.get(entry.linkId);
    if (existing !== undefined) this.delete(existing.linkId);
    const from = entry.inbound.id;
    if (this.pendingPerInterface.get(from) >= this.pendingQuota) return 'pending-quota';
    if (this.perInterface.get(from) >= Math.max(1, Math.floor(this.share * this.capacity))) {
      return 'interface-share';
    }
    if (this.links.size >= this.capacity && !this.evictOldestPending()) return 'table-full';
    this.links.set(entry.linkId, entry);
    this.perInterface.add(from);
    if (!entry.validated) this.pendingPerInterface.add(from);
    return 'added';
  }

  /** Marks a link established. */
  validate(entry: LinkEntry): void {
    if (entry.validated) return;
    entry.validated = true;
    this.pendingPerInterface.remove(entry.inbound.id);
  }

  /** Removes an entry; true when there was one. */
  delete(linkId: BinaryKey): boolean {
    const entry = this.links.get(linkId);
    if (entry === undefined) return false;
    this.links.delete(linkId);
    this.perInterface.remove(entry.inbound.id);
    if (!entry.validated) this.pendingPerInterface.remove(entry.inbound.id);
    this.onRemove(entry);
    return true;
  }

  /**
   * Where a packet of this link received on `from` with `hops` (after this node's increment)
   * goes, or null when the hops or the interface do not fit the link (Python's hop checks): the
   * opposite interface when the hops match that direction, the same interface when both ends are
   * on it and the hops match either.
   */
  route(entry: LinkEntry, from: InterfaceEntry, hops: number): InterfaceEntry | null {
    if (entry.outbound === entry.inbound) {
      return hops === entry.remainingHops || hops === entry.takenHops ? entry.outbound : null;
    }
    if (from === entry.outbound) return hops === entry.remainingHops ? entry.inbound : null;
    if (from === entry.inbound) return hops === entry.takenHops ? entry.outbound : null;
    return null;
  }

  /**
   * Removes established links idle for LINK_TIMEOUT or whose interfaces are gone, and unproven
   * ones past their proof timeout. Returns the unproven entries removed (the engine may look for
   * a new path for them).
   */
  cull(now: number, isGone: (iface: InterfaceEntry) => boolean): LinkEntry[] {
    const expiredPending: LinkEntry[] = [];
    for (const entry of this.links.values()) {
      if (entry.validated) {
        if (now > entry.timestamp + LINK_TIMEOUT_MS || isGone(entry.outbound) || isGone(entry.inbound)) {
          this.delete(entry.linkId);
        }
      } else if (now > entry.proofTimeout) {
        this.delete(entry.linkId);
        expiredPending.push(entry);
      }
    }
    return expiredPending;
  }

  private evictOldestPending(): boolean {
    let scanned = 0;
    for (const entry of this.links.values()) {
      if (!entry.validated) {
        this.delete(entry.linkId);
        return true;
      }
      if (++scanned >= 256) break;
    }
    return false;
  }
}
