import { RANDOM_HASH_LENGTH, readEmissionTime } from '../protocol/announce';
import { MAX_RANDOM_BLOBS } from './constants';

/** Length of an announce's random hash ("random blob"): 5 random bytes, then 5 of emission time. */
const RANDOM_BLOB_LENGTH = RANDOM_HASH_LENGTH;

/**
 * The random blobs of a destination's recent announces, oldest first, at most
 * {@link MAX_RANDOM_BLOBS} (Python's `random_blobs` list): the path table refuses an announce
 * whose blob it has seen (a loop or a replay) and orders announces by their emission times. Held
 * in one byte array that grows with the count, so a destination heard once costs 10 bytes.
 */
export class RandomBlobs {
  private bytes: Uint8Array;
  private count = 0;

  constructor(initialCapacity = 1) {
    this.bytes = new Uint8Array(Math.max(1, initialCapacity) * RANDOM_BLOB_LENGTH);
  }

  /** A copy holding `blobs` (oldest first; the last {@link MAX_RANDOM_BLOBS} kept). */
  static of(blobs: readonly Uint8Array[]): RandomBlobs {
    const out = new RandomBlobs(Math.min(blobs.length, MAX_RANDOM_BLOBS));
    for (const blob of blobs) out.add(blob, 0);
    return out;
  }

  /** How many blobs are held. */
  get size(): number {
    return this.count;
  }

  /** Whether the blob at `offset` in `source` is held. */
  has(source: Uint8Array, offset: number): boolean {
    const bytes = this.bytes;
    for (let i = 0; i < this.count; i++) {
      const base = i * RANDOM_BLOB_LENGTH;
      let j = 0;
      while (j < RANDOM_BLOB_LENGTH && bytes[base + j] === source[offset + j]) j++;
      if (j === RANDOM_BLOB_LENGTH) return true;
    }
    return false;
  }

  /** Appends the blob at `offset` unless held, dropping the oldest beyond the limit. */
  add(source: Uint8Array, offset: number): void {
    if (this.has(source, offset)) return;
    if (this.count === MAX_RANDOM_BLOBS) {
      this.bytes.copyWithin(0, RANDOM_BLOB_LENGTH, this.count * RANDOM_BLOB_LENGTH);
      this.count--;
    } else if ((this.count + 1) * RANDOM_BLOB_LENGTH > this.bytes.length) {
      const grown = new Uint8Array(Math.min(MAX_RANDOM_BLOBS, this.count * 2 + 1) * RANDOM_BLOB_LENGTH);
      grown.set(this.bytes.subarray(0, this.count * RANDOM_BLOB_LENGTH));
      this.bytes = grown;
    }
    this.bytes.set(source.subarray(offset, offset + RANDOM_BLOB_LENGTH), this.count * RANDOM_BLOB_LENGTH);
    this.count++;
  }

  /** The newest emission time among the blobs, 0 when none (Python's `timebase_from_random_blobs`). */
  timebase(): number {
    let newest = 0;
    for (let i = 0; i < this.count; i++)
      newest = Math.max(newest, readEmissionTime(this.bytes, i * RANDOM_BLOB_LENGTH));
    return newest;
  }

  /**
   * The running newest emission time, scanning oldest first and stopping at the first that
   * reaches `emitted`: exactly the value Python compares a longer path's announce with
   * (Transport.py, the "more hops" branch), equality included.
   */
  timebaseUpTo(emitted: number): number {
    let newest = 0;
    for (let i = 0; i < this.count; i++) {
      newest = Math.max(newest, readEmissionTime(this.bytes, i * RANDOM_BLOB_LENGTH));
      if (newest >= emitted) break;
    }
    return newest;
  }

  /** A copy of the blobs, oldest first (for persistence and tunnels). */
  toArray(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.count; i++) {
      out.push(this.bytes.slice(i * RANDOM_BLOB_LENGTH, (i + 1) * RANDOM_BLOB_LENGTH));
    }
    return out;
  }

  /** An independent copy. */
  clone(): RandomBlobs {
    const out = new RandomBlobs(this.count);
    out.bytes.set(this.bytes.subarray(0, this.count * RANDOM_BLOB_LENGTH));
    out.count = this.count;
    return out;
  }
}
