import { BinaryKey } from '../core/binary-key';
import { ANNOUNCES_CHECK_INTERVAL_MS, MAX_QUEUED_ANNOUNCES, QUEUED_ANNOUNCE_LIFE_MS } from './constants';

/** An announce waiting for its interface's announce budget. */
interface QueuedAnnounce {
  readonly destination: BinaryKey;
  /** When it was queued (or last replaced), ms. */
  time: number;
  hops: number;
  emitted: number;
  raw: Uint8Array;
}

/** Most queued announces sent per interface in one call of {@link AnnounceCapQueue.due}. */
const MAX_SENDS_PER_CALL = 1024;

/**
 * One interface's announce cap (Python's `announce_cap`, `announce_allowed_at` and
 * `announce_queue`, Transport.outbound and Interface.process_announce_queue): rebroadcast
 * announces may use at most `announceCap` of the interface's bitrate. Each announce sent moves
 * the next allowed time by its transmit time divided by the cap; an announce that comes sooner,
 * or while others wait, is queued (one per destination, the latest emission kept; at most 16,384
 * per interface, each for at most 24 hours) and sent as the budget allows, lowest hops first,
 * oldest first among equals.
 *
 * An interface without a known bitrate has no cap (Python gives every interface a bitrate).
 *
 * Rebroadcasts leave in batches, all at the time of one announce check, where Python's clock
 * moves on between the sends of its loop. So the budget may run up to one check interval ahead
 * of `now`: a second's worth of the cap goes at once and only the excess waits, while the
 * long-run rate stays the cap's (each send moves the allowed time on from where it was). Without
 * this, every rebroadcast of a check after its first waited for the queue, 250 ms later and at
 * most 1,024 per job run.
 */
export class AnnounceCapQueue {
  /** When the next announce may go, ms. */
  allowedAt = Number.NEGATIVE_INFINITY;
  /** Queued announces by hops, each bucket oldest first. */
  private readonly buckets = new Map<number, Map<BinaryKey, QueuedAnnounce>>();
  private readonly byDestination = new Map<BinaryKey, QueuedAnnounce>();

  /** Announces queued. */
  get size(): number {
    return this.byDestination.size;
  }

  /**
   * Offers an announce for sending at `now` (ms). Returns `send` when it may go now (the budget
   * is charged), `queued` when it waits (or replaced a waiting one), `dropped` when the queue
   * (or the node-wide budget, `roomLeft` false) is full.
   */
  offer(
    now: number,
    announce: { destination: BinaryKey; hops: number; emitted: number; raw: Uint8Array },
    bitrate: number | null,
    cap: number,
    roomLeft: boolean,
  ): 'send' | 'queued' | 'dropped' {
    if (bitrate === null || bitrate <= 0) return 'send';
    if (this.byDestination.size === 0 && this.allowedAt < now + ANNOUNCES_CHECK_INTERVAL_MS) {
      this.allowedAt = Math.max(this.allowedAt, now) + waitMs(announce.raw.length, bitrate, cap);
      return 'send';
    }
    const existing = this.byDestination.get(announce.destination);
    if (existing !== undefined) {
      if (announce.emitted > existing.emitted) {
        this.remove(existing);
        this.insert({ ...announce, time: now });
      }
      return 'queued';
    }
    if (this.byDestination.size >= MAX_QUEUED_ANNOUNCES || !roomLeft) return 'dropped';
    this.insert({ ...announce, time: now });
    return 'queued';
  }

  /**
   * Charges a recursive path request of `length` bytes to the announce budget (Python's
   * `request_path(recursive=True)`): false, and nothing charged, while announces wait or the
   * budget is spent.
   */
  chargePathRequest(now: number, length: number, bitrate: number | null, cap: number): boolean {
    if (bitrate === null || bitrate <= 0) return true;
    if (this.byDestination.size > 0 || now < this.allowedAt) return false;
    this.allowedAt = now + waitMs(length, bitrate, cap);
    return true;
  }

  /** The queued announces whose turn came by `now`, removed from the queue, in sending order. */
  due(now: number, bitrate: number | null, cap: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.byDestination.size === 0) return out;
    if (bitrate === null || bitrate <= 0) {
      // The cap went away (bitrate unknown now): send everything, in order.
      while (this.byDestination.size > 0 && out.length < MAX_SENDS_PER_CALL) out.push(this.takeNext().raw);
      return out;
    }
    // Sends happen at the allowed times in between calls, as Python's timers would fire them.
    let at = this.allowedAt;
    while (this.byDestination.size > 0 && at <= now && out.length < MAX_SENDS_PER_CALL) {
      const next = this.takeNext();
      out.push(next.raw);
      at = Math.max(at, now - 1000) + waitMs(next.raw.length, bitrate, cap);
    }
    if (out.length > 0) this.allowedAt = at;
    return out;
  }

  /** Drops announces queued longer than 24 hours; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const entry of this.byDestination.values()) {
      if (now > entry.time + QUEUED_ANNOUNCE_LIFE_MS) {
        this.remove(entry);
        dropped++;
      }
    }
    return dropped;
  }

  /** Empties the queue; returns how many were dropped. */
  clear(): number {
    const dropped = this.byDestination.size;
    this.buckets.clear();
    this.byDestination.clear();
    return dropped;
  }

  private insert(entry: QueuedAnnounce): void {
    let bucket = this.buckets.get(entry.hops);
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets.set(entry.hops, bucket);
    }
    bucket.set(entry.destination, entry);
    this.byDestination.set(entry.destination, entry);
  }

  private remove(entry: QueuedAnnounce): void {
    const bucket = this.buckets.get(entry.hops);
    bucket?.delete(entry.destination);
    if (bucket !== undefined && bucket.size === 0) this.buckets.delete(entry.hops);
    this.byDestination.delete(entry.destination);
  }

  private takeNext(): QueuedAnnounce {
    let minHops = Number.POSITIVE_INFINITY;
    for (const hops of this.buckets.keys()) if (hops < minHops) minHops = hops;
    const bucket = this.buckets.get(minHops) as Map<BinaryKey, QueuedAnnounce>;
    const entry = bucket.values().next().value as QueuedAnnounce;
    this.remove(entry);
    return entry;
  }
}

/** How long sending `length` bytes occupies the announce budget, ms. */
function waitMs(length: number, bitrate: number, cap: number): number {
  return ((length * 8) / bitrate / cap) * 1000;
}
