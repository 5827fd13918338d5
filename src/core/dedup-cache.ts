import { Clock } from './clock';

/** Options of a {@link DedupCache}. */
export interface DedupCacheOptions {
  /** Time source; expiry is computed from `clock.now()` on each call, never with timers. */
  readonly clock: Clock;
  /**
   * A key is remembered for at least `ttlMs / 2` and at most `ttlMs` after it was added. Absent:
   * no time limit, generations rotate by count only (Python's `packet_hashlist`).
   */
  readonly ttlMs?: number;
  /** Hard cap on remembered keys; when half of it is reached the oldest generation is dropped early. */
  readonly maxEntries: number;
}

/** Smallest table allocated per generation (slots). */
const INITIAL_SLOTS = 1024;
/** Words per slot in a generation table: epoch stamp, key high, key low. */
const WORDS_PER_SLOT = 3;
/** Sighting counts saturate here (Uint8Array). */
const MAX_COUNT = 255;

/**
 * One generation: an open-addressing hash table (linear probing) of 64-bit keys held in an
 * Int32Array, so a million keys are three flat arrays the garbage collector never scans. A slot
 * is occupied when its stamp equals the table's epoch, so clearing is one increment, not a
 * memset (no latency spike at rotation). The table doubles while its load would pass 1/2, up to
 * the slot count its share of `maxEntries` needs; memory grows with traffic, not up front.
 */
class GenerationTable {
  slots: Int32Array;
  counts: Uint8Array;
  mask: number;
  epoch = 1;
  size = 0;
  startedAt: number;
  /** Slot found empty by the last {@link probe} that missed (where an insert goes). */
  emptySlot = 0;

  constructor(
    private readonly maxSlots: number,
    now: number,
  ) {
    const slots = Math.min(INITIAL_SLOTS, maxSlots);
    this.slots = new Int32Array(slots * WORDS_PER_SLOT);
    this.counts = new Uint8Array(slots);
    this.mask = slots - 1;
    this.startedAt = now;
  }

  /** The slot holding the key, or -1 (then {@link emptySlot} is where it would go). */
  probe(high: number, low: number): number {
    const slots = this.slots;
    const epoch = this.epoch;
    const mask = this.mask;
    // SHA-256 bits are uniform already: the low word is the hash.
    let slot = low & mask;
    while (true) {
      const base = slot * WORDS_PER_SLOT;
      if (slots[base] !== epoch) {
        this.emptySlot = slot;
        return -1;
      }
      if (slots[base + 1] === high && slots[base + 2] === low) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Stores the key in the slot the last missing {@link probe} found; returns that slot. */
  insertAtEmpty(high: number, low: number): number {
    if ((this.size + 1) * 2 > this.mask + 1 && this.mask + 1 < this.maxSlots) {
      this.grow();
      this.probe(high, low);
    }
    const slot = this.emptySlot;
    const base = slot * WORDS_PER_SLOT;
    this.slots[base] = this.epoch;
    this.slots[base + 1] = high;
    this.slots[base + 2] = low;
    this.counts[slot] = 1;
    this.size++;
    return slot;
  }

  /** Writes the keys held into `out` from pair index `at` ([high, low] pairs); returns the next index. */
  copyKeys(out: Int32Array, at: number): number {
    const slots = this.slots;
    const epoch = this.epoch;
    let pair = at;
    for (let base = 0; base < slots.length; base += WORDS_PER_SLOT) {
      if (slots[base] !== epoch) continue;
      out[2 * pair] = slots[base + 1];
      out[2 * pair + 1] = slots[base + 2];
      pair++;
    }
    return pair;
  }

  clear(now: number): void {
    this.size = 0;
    this.startedAt = now;
    this.epoch++;
    if (this.epoch === 0x7fffffff) {
      // Stamps from 2^31 clears ago could alias the new epoch; wipe once in a long while.
      this.slots.fill(0);
      this.epoch = 1;
    }
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldCounts = this.counts;
    const oldEpoch = this.epoch;
    const slotCount = (this.mask + 1) * 2;
    this.slots = new Int32Array(slotCount * WORDS_PER_SLOT);
    this.counts = new Uint8Array(slotCount);
    this.mask = slotCount - 1;
    this.epoch = 1;
    for (let slot = 0; slot < oldCounts.length; slot++) {
      const base = slot * WORDS_PER_SLOT;
      if (oldSlots[base] !== oldEpoch) continue;
      const high = oldSlots[base + 1];
      const low = oldSlots[base + 2];
      this.probe(high, low);
      const target = this.emptySlot * WORDS_PER_SLOT;
      this.slots[target] = 1;
      this.slots[target + 1] = high;
      this.slots[target + 2] = low;
      this.counts[this.emptySlot] = oldCounts[slot];
    }
  }
}

/**
 * A bounded, optionally time-limited set of 64-bit packet keys (two signed 32-bit halves, as
 * `PacketKeyHasher` produces them), for the relay's and the transport engine's duplicate checks.
 *
 * Two generations, as Python's `packet_hashlist` / `packet_hashlist_prev`: keys go into the
 * current one; the current becomes the previous every `ttlMs / 2`, or early once it holds
 * `maxEntries / 2` keys, and the old previous is dropped whole. So a key is remembered between
 * `ttlMs / 2` and `ttlMs` (less under a flood, which is the memory bound at work), every call is
 * O(1), there are no per-entry timers and memory never exceeds two tables of `maxEntries / 2`
 * keys at load 1/2. Without `ttlMs` only the count rotates generations, exactly as Python's
 * transport hashlist does (rotated when it passes `hashlist_maxsize / 2`). Rotation is lazy (checked against `clock.now()` on each call), so an idle
 * cache costs nothing. A key is not refreshed when seen again: its lifetime counts from when it
 * was first added, like Python's.
 */
export class DedupCache {
  private current: GenerationTable;
  private previous: GenerationTable;
  private readonly clock: Clock;
  private readonly halfTtlMs: number;
  private readonly ttlMs: number;
  private readonly generationCap: number;

  constructor(options: DedupCacheOptions) {
    const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${ttlMs}`);
    if (!(options.maxEntries >= 2))
      throw new RangeError(`maxEntries must be >= 2, got ${options.maxEntries}`);
    this.clock = options.clock;
    this.ttlMs = ttlMs;
    this.halfTtlMs = ttlMs / 2;
    this.generationCap = Math.floor(options.maxEntries / 2);
    // Load stays <= 1/2 at the cap, so probes stay short.
    let maxSlots = INITIAL_SLOTS;
    while (maxSlots < this.generationCap * 2) maxSlots *= 2;
    const now = this.clock.now();
    this.current = new GenerationTable(maxSlots, now);
    this.previous = new GenerationTable(maxSlots, this.previousStart(now));
  }

  /** Keys remembered now (both generations; a key is in at most one of them). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** Adds the key; returns true when it was already remembered (a duplicate). */
  checkAndAdd(high: number, low: number): boolean {
    this.expire();
    const current = this.current;
    if (current.probe(high, low) >= 0) return true;
    if (this.previous.probe(high, low) >= 0) return true;
    current.insertAtEmpty(high, low);
    if (current.size >= this.generationCap) this.rotate(this.clock.now());
    return false;
  }

  /** Whether the key is remembered, without adding it. */
  has(high: number, low: number): boolean {
    this.expire();
    return this.current.probe(high, low) >= 0 || this.previous.probe(high, low) >= 0;
  }

  /** Remembers the key (a no-op when it is already remembered). */
  add(high: number, low: number): void {
    this.checkAndAdd(high, low);
  }

  /**
   * Counts one sighting of the key and returns how many times it had been seen before (0 for a
   * new key). Counts saturate at 255. For packets that may legitimately repeat, where the relay
   * allows a bounded number of bit-identical copies rather than one.
   */
  countSighting(high: number, low: number): number {
    this.expire();
    const current = this.current;
    let slot = current.probe(high, low);
    if (slot >= 0) return bump(current.counts, slot);
    const previous = this.previous;
    slot = previous.probe(high, low);
    if (slot >= 0) return bump(previous.counts, slot);
    current.insertAtEmpty(high, low);
    if (current.size >= this.generationCap) this.rotate(this.clock.now());
    return 0;
  }

  /**
   * Every key remembered, as `[high, low]` pairs in one flat array, the older generation first
   * (within a generation in no particular order). One pass over the flat tables, no object per key:
   * a million keys take a few milliseconds. Added back in this order (with {@link add}), the older
   * keys are again the first to be dropped.
   */
  keys(): Int32Array {
    this.expire();
    const out = new Int32Array(2 * this.size);
    this.current.copyKeys(out, this.previous.copyKeys(out, 0));
    return out;
  }

  /** Forgets every key. */
  clear(): void {
    const now = this.clock.now();
    this.current.clear(now);
    this.previous.clear(this.previousStart(now));
  }

  /** The start stamp that makes an empty previous generation look half a lifetime old. */
  private previousStart(now: number): number {
    return Number.isFinite(this.halfTtlMs) ? now - this.halfTtlMs : now;
  }

  /**
   * Rotates and drops generations by age; cheap when nothing is due. Each generation expires
   * whole `ttlMs` after it started, and a key only enters the current generation in its first
   * `ttlMs / 2`, which is what bounds a key's lifetime to `[ttlMs / 2, ttlMs]`.
   */
  private expire(): void {
    if (this.ttlMs === Number.POSITIVE_INFINITY) return;
    const now = this.clock.now();
    const age = now - this.current.startedAt;
    if (age < this.halfTtlMs) {
      // A clock stepped backwards would otherwise keep keys far past the ttl.
      if (age < 0) this.clear();
      else if (this.previous.size > 0 && now - this.previous.startedAt >= this.ttlMs)
        this.previous.clear(now);
      return;
    }
    if (age >= this.ttlMs) this.clear();
    else this.rotate(now);
  }

  private rotate(now: number): void {
    const dropped = this.previous;
    this.previous = this.current;
    dropped.clear(now);
    this.current = dropped;
  }
}

function bump(counts: Uint8Array, slot: number): number {
  const seen = counts[slot];
  if (seen < MAX_COUNT) counts[slot] = seen + 1;
  return seen;
}
