import { BinaryKey } from '../core/binary-key';

/** The rate settings of the interface an announce came in on (seconds, as configured). */
export interface AnnounceRateSettings {
  /** `announce_rate_target`: least seconds between a destination's announces; null = no limit. */
  readonly announceRateTarget: number | null;
  /** `announce_rate_grace`: violations tolerated before blocking. */
  readonly announceRateGrace: number;
  /** `announce_rate_penalty`: seconds added to a block. */
  readonly announceRatePenalty: number;
}

/** A destination's announce rate record (Python's `announce_rate_table` entry). */
export interface RateEntry {
  /** The last announce that counted, ms. */
  last: number;
  /** Announces that came sooner than the target, minus those that did not (never below 0). */
  violations: number;
  /** Rebroadcasts are blocked until then, ms. */
  blockedUntil: number;
}

/**
 * Per-destination announce rate limits, as Python applies them to announces that update the path
 * table: an announce sooner than the target after the last one is a violation, one that is not
 * forgives one; past the grace, the destination's rebroadcasts are blocked until the last
 * counted announce plus the target plus the penalty. A blocked announce still updates the path
 * table (only the rebroadcast is suppressed); path responses are not rate-checked.
 *
 * Bounded: the record of the destination heard least recently is dropped when the table is full.
 */
export class AnnounceRateTable {
  private readonly entries = new Map<BinaryKey, RateEntry>();

  constructor(private readonly capacity: number) {}

  /** Records held. */
  get size(): number {
    return this.entries.size;
  }

  /** The record of a destination. */
  get(destination: BinaryKey): RateEntry | undefined {
    return this.entries.get(destination);
  }

  /** Every record, least recently heard first. */
  all(): IterableIterator<[BinaryKey, RateEntry]> {
    return this.entries.entries();
  }

  /**
   * Counts an announce of `destination` at `now` (ms) against `settings`; true when its
   * rebroadcast must be blocked.
   */
  check(destination: BinaryKey, settings: AnnounceRateSettings, now: number): boolean {
    const target = settings.announceRateTarget;
    if (target === null) return false;
    const entry = this.entries.get(destination);
    if (entry === undefined) {
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next().value as BinaryKey;
        this.entries.delete(oldest);
      }
      this.entries.set(destination, { last: now, violations: 0, blockedUntil: 0 });
      return false;
    }
    // Re-inserting keeps the Map in least-recently-heard order for eviction.
    this.entries.delete(destination);
    this.entries.set(destination, entry);
    if (now <= entry.blockedUntil) return true;
    const sinceLast = now - entry.last;
    if (sinceLast < target * 1000) entry.violations++;
    else entry.violations = Math.max(0, entry.violations - 1);
    if (entry.violations > settings.announceRateGrace) {
      entry.blockedUntil = entry.last + (target + settings.announceRatePenalty) * 1000;
      return true;
    }
    entry.last = now;
    return false;
  }
}
