/**
 * Why bytes were not accepted as what they claimed to be. Parsers return one of these instead of
 * throwing: a hostile buffer must never raise out of the wire layer.
 */
export type MalformedReason =
  /** Shorter than its header (HEADER_1 under 19 bytes, HEADER_2 under 35). */
  | 'truncated-header'
  /** Hops byte of 128 or more (`Transport.PATHFINDER_M`). */
  | 'hops-out-of-range'
  /** An announce's data is parsed from a packet of another type. */
  | 'not-an-announce'
  /** Announce data under 148 bytes (180 with a ratchet). */
  | 'truncated-announce'
  /** Path request data under 16 bytes. */
  | 'truncated-path-request'
  /** Path request data of exactly 16 bytes: Python ignores a request without a tag. */
  | 'tagless-path-request';

/** A parse that failed, with its reason. Discriminate on `ok`. */
export interface Malformed {
  /** Always false: this is not a parsed value. */
  readonly ok: false;
  /** Why the input was rejected. */
  readonly reason: MalformedReason;
}

const CACHE = new Map<MalformedReason, Malformed>();

/** The (shared, frozen) result for `reason`: hostile input allocates nothing. */
export function malformed(reason: MalformedReason): Malformed {
  let result = CACHE.get(reason);
  if (result === undefined) {
    result = Object.freeze({ ok: false as const, reason });
    CACHE.set(reason, result);
  }
  return result;
}
