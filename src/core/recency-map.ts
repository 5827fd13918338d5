/**
 * A Map in recency order, for bounded tables of peers, paths and the like: insertion order is
 * recency order (an entry is moved to the recent end by {@link touch}), eviction takes the least
 * recently active entry that may go, and a sweep visits the table a slice at a time.
 *
 * Both work with a persistent iterator (a clock hand) rather than a fresh one per call: a fresh
 * Map iterator starts at the old end and steps over every slot freed since the table was last
 * compacted, which made "delete the first entry" cost O(n) in V8 (50 us per eviction at 100k
 * entries). A live iterator steps over each freed slot once, so eviction and sweeping are O(1)
 * amortised per entry.
 */
export class RecencyMap<K, V> {
  private readonly map = new Map<K, V>();
  private evictHand: Iterator<[K, V]> | null = null;
  private sweepHand: Iterator<[K, V]> | null = null;

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** The value of `key`, without changing its recency. */
  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Whether `key` is held. */
  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Sets `key` to `value` as the most recently active entry. */
  touch(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
  }

  /** Removes `key`; returns whether it was held. */
  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Every key, least recently active first (a live view: copy it to keep it). */
  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  /** Every value, least recently active first (a live view). */
  values(): IterableIterator<V> {
    return this.map.values();
  }

  /**
   * Removes the least recently active entry that `evictable` accepts, looking at no more than
   * `scanLimit` entries (at least one). An entry that may not go is passed over, and looked at
   * again only after every other entry has been (the CLOCK algorithm: an approximation of LRU
   * that never rescans). With `force`, when none of those looked at may go, the first of them
   * goes anyway (a strict cap).
   *
   * @returns the evicted key, or undefined when nothing was evicted.
   */
  evict(evictable: (key: K, value: V) => boolean, scanLimit: number, force = false): K | undefined {
    let first: K | undefined;
    for (let looked = 0; looked < Math.max(1, scanLimit); looked++) {
      const entry = this.nextForEviction();
      if (entry === undefined) break;
      if (evictable(entry[0], entry[1])) return this.remove(entry[0]);
      if (looked === 0) first = entry[0];
    }
    return force && first !== undefined ? this.remove(first) : undefined;
  }

  /**
   * Visits up to `budget` entries, continuing where the previous call stopped; `visit` returns
   * true to remove the entry. An entry touched during a pass may be visited twice.
   *
   * @returns true when this call finished a pass over the table (the next call starts another).
   */
  sweep(budget: number, visit: (key: K, value: V) => boolean): boolean {
    this.sweepHand ??= this.map.entries();
    for (let visited = 0; visited < budget; visited++) {
      const next = this.sweepHand.next();
      if (next.done === true) {
        this.sweepHand = null;
        return true;
      }
      const [key, value] = next.value;
      if (visit(key, value)) this.map.delete(key);
    }
    return false;
  }

  /** The entry at the eviction hand, moving the hand on; a hand that went round starts again. */
  private nextForEviction(): [K, V] | undefined {
    let next = this.evictHand?.next();
    if (next === undefined || next.done === true) {
      this.evictHand = this.map.entries();
      next = this.evictHand.next();
    }
    return next.done === true ? undefined : next.value;
  }

  private remove(key: K): K {
    this.map.delete(key);
    return key;
  }
}
