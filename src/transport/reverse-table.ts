import { InterfaceEntry } from '../core/driver/interface-entry';
import { BinaryKey } from '../core/binary-key';
import { REVERSE_TIMEOUT_MS } from './constants';
import { InterfaceCounts } from './interface-counts';

/** Where the proof of a forwarded packet goes back (Python's `reverse_table` entry). */
export interface ReverseEntry {
  /** The interface the packet came in on: where its proof goes. */
  readonly inbound: InterfaceEntry;
  /** The interface the packet went out on: where its proof must come from. */
  readonly outbound: InterfaceEntry;
  /** When the packet was forwarded, ms. */
  readonly timestamp: number;
}

/**
 * The reverse table, keyed by truncated packet hash: one entry per packet forwarded along a
 * path, removed by the first proof for it or after REVERSE_TIMEOUT (8 minutes). Bounded by a total
 * (the oldest entry makes room) and a share per interface the packets came in on (past it, a
 * packet is still forwarded, only its proof will not find the way back).
 */
export class ReverseTable {
  private readonly entries = new Map<BinaryKey, ReverseEntry>();
  private readonly perInterface = new InterfaceCounts();

  constructor(
    private readonly capacity: number,
    private readonly share: number,
  ) {}

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether a proof with this destination (a truncated packet hash) has an entry. */
  has(key: BinaryKey): boolean {
    return this.entries.has(key);
  }

  /** Records where the proof of packet `key` goes; false when the packet's interface is over its share. */
  add(key: BinaryKey, entry: ReverseEntry): boolean {
    const existing = this.entries.get(key);
    if (existing !== undefined) this.remove(key, existing);
    if (this.perInterface.get(entry.inbound.id) >= Math.max(1, Math.floor(this.share * this.capacity))) {
      return false;
    }
    if (this.entries.size >= this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [BinaryKey, ReverseEntry];
      this.remove(oldestKey, oldest);
    }
    this.entries.set(key, entry);
    this.perInterface.add(entry.inbound.id);
    return true;
  }

  /** Removes and returns the entry for a proof (Python pops it whatever happens next). */
  take(key: BinaryKey): ReverseEntry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.remove(key, entry);
    return entry;
  }

  /**
   * Removes entries past REVERSE_TIMEOUT. Entries are held oldest first, so the sweep stops at the
   * first one still waiting: its cost is the number removed. (An entry whose interface went away
   * is not looked for: its proof cannot come, and it ages out like any other.)
   */
  cull(now: number): number {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (now <= entry.timestamp + REVERSE_TIMEOUT_MS) break;
      this.remove(key, entry);
      removed++;
    }
    return removed;
  }

  private remove(key: BinaryKey, entry: ReverseEntry): void {
    this.entries.delete(key);
    this.perInterface.remove(entry.inbound.id);
  }
}
