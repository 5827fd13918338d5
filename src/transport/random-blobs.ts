import { RANDOM_HASH_LENGTH } from '../protocol/announce';
import { MAX_RANDOM_BLOBS } from './constants';

/**
 * The random blobs of a destination's recent announces, oldest first, at most
 * {@link MAX_RANDOM_BLOBS} (Python's `random_blobs` list): the path table refuses an announce
 * whose blob it has seen (a loop or a replay) and orders announces by their emission times.
 *
 * Held as one latin1 string of 10 characters per blob: a destination heard once costs a
 * 26-character string, where a byte array would cost its object, its buffer and its backing store
 * (about five times as much, and the path table holds 100,000 of these).
 */
export type RandomBlobs = string;

/** No blobs. */
export const NO_BLOBS: RandomBlobs = '';

/** The blob at `offset` of `bytes` as a 10-character latin1 string. */
export function blobOf(bytes: Uint8Array, offset = 0): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + RANDOM_HASH_LENGTH));
}

/** How many blobs are held. */
export function blobCount(blobs: RandomBlobs): number {
  return blobs.length / RANDOM_HASH_LENGTH;
}

/** Whether `blob` is held. */
export function hasBlob(blobs: RandomBlobs, blob: string): boolean {
  for (let at = 0; at < blobs.length; at += RANDOM_HASH_LENGTH) {
    if (blobs.startsWith(blob, at)) return true;
  }
  return false;
}

/** `blobs` with `blob` appended unless held, the oldest dropped beyond the limit. */
export function addBlob(blobs: RandomBlobs, blob: string): RandomBlobs {
  if (hasBlob(blobs, blob)) return blobs;
  const added = blobs + blob;
  const excess = added.length - MAX_RANDOM_BLOBS * RANDOM_HASH_LENGTH;
  return excess > 0 ? added.slice(excess) : added;
}

/** Emission time of the blob starting at character `at`: its characters 5..9, big-endian seconds. */
function emissionAt(blobs: string, at: number): number {
  return (
    blobs.charCodeAt(at + 5) * 0x1_0000_0000 +
    ((blobs.charCodeAt(at + 6) << 24) >>> 0) +
    (blobs.charCodeAt(at + 7) << 16) +
    (blobs.charCodeAt(at + 8) << 8) +
    blobs.charCodeAt(at + 9)
  );
}

/** The newest emission time among the blobs, 0 when none (Python's `timebase_from_random_blobs`). */
export function blobsTimebase(blobs: RandomBlobs): number {
  let newest = 0;
  for (let at = 0; at < blobs.length; at += RANDOM_HASH_LENGTH)
    newest = Math.max(newest, emissionAt(blobs, at));
  return newest;
}

/**
 * The running newest emission time, scanning oldest first and stopping at the first that
 * reaches `emitted`: exactly the value Python compares a longer path's announce with
 * (Transport.py, the "more hops" branch), equality included.
 */
export function blobsTimebaseUpTo(blobs: RandomBlobs, emitted: number): number {
  let newest = 0;
  for (let at = 0; at < blobs.length; at += RANDOM_HASH_LENGTH) {
    newest = Math.max(newest, emissionAt(blobs, at));
    if (newest >= emitted) break;
  }
  return newest;
}

/** The blobs as byte arrays, oldest first (for persistence). */
export function blobsToArray(blobs: RandomBlobs): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < blobs.length; at += RANDOM_HASH_LENGTH) {
    out.push(Buffer.from(blobs.slice(at, at + RANDOM_HASH_LENGTH), 'latin1'));
  }
  return out;
}

/** Blobs from byte arrays (oldest first; the last {@link MAX_RANDOM_BLOBS} of 10 bytes each kept). */
export function blobsFromArray(blobs: readonly Uint8Array[]): RandomBlobs {
  let out = NO_BLOBS;
  for (const blob of blobs) if (blob.length === RANDOM_HASH_LENGTH) out = addBlob(out, blobOf(blob));
  return out;
}
