import { SendClaim, SMALL_FRAME_BYTES } from '../core/buffer-budgets';
import { LARGE_PENDING_BYTES, MAX_PENDING_BYTES } from './net-constants';

/** Packets refused for one connection, by budget and by size ({@link SMALL_FRAME_BYTES}). */
export interface SendRefusalCounts {
  /** Large frames past the connection's own budget for them. */
  peerLarge: number;
  /** Small frames past the connection's own budget (its small-frame reserve spent too). */
  peerSmall: number;
  /** Large frames the node-wide send budget refused. */
  nodeLarge: number;
  /** Small frames the node-wide send budget refused. */
  nodeSmall: number;
}

/** No refusal yet. */
function noRefusals(): SendRefusalCounts {
  return { peerLarge: 0, peerSmall: 0, nodeLarge: 0, nodeSmall: 0 };
}

/**
 * Admission to one connection's send queue, O(1) amortised per frame. A frame is refused (and
 * counted by reason) when it does not fit:
 *
 * - the connection's own budget: large frames up to {@link LARGE_PENDING_BYTES} queued, small
 *   ones up to {@link MAX_PENDING_BYTES}. Queued bytes pass the large limit only by small
 *   frames, so a flood of large packets never takes the small frames' reserve: a reader that
 *   keeps up with its small frames loses none of them, however many large ones are dropped;
 * - the node-wide send budget (see SendBudget), told how many of the queued bytes are small
 *   frames so that the large packets waiting in a reader's queue do not count against its
 *   small-frame share.
 *
 * The queue drains in order, so the bytes drained so far are those admitted minus those still
 * pending, and the large frames still queued are found from their offsets (a short list: at most
 * {@link LARGE_PENDING_BYTES} / {@link SMALL_FRAME_BYTES} entries, usually two or three).
 */
export class SendAdmission {
  /** Frames refused so far. */
  readonly refused: SendRefusalCounts = noRefusals();
  /** Bytes admitted since the connection opened: the offset of the queue's tail. */
  private admitted = 0;
  /** [start, end) offsets of the large frames that may still be queued, oldest first, flattened. */
  private large: number[] = [];
  /** Index in {@link large} of the oldest entry not yet drained. */
  private head = 0;
  /** Sum of the lengths of the entries from {@link head} on. */
  private largeBytes = 0;

  constructor(private readonly claim: SendClaim) {}

  /**
   * Admits a frame of `length` bytes (as queued) behind the `pending` bytes the connection
   * holds now (accepted, not yet taken by the kernel). False: refused and counted.
   */
  admit(pending: number, length: number): boolean {
    const small = length <= SMALL_FRAME_BYTES;
    if (pending + length > (small ? MAX_PENDING_BYTES : LARGE_PENDING_BYTES)) {
      if (small) this.refused.peerSmall++;
      else this.refused.peerLarge++;
      return false;
    }
    if (!this.claim.take(pending, length, pending - this.largeQueued(pending))) {
      if (small) this.refused.nodeSmall++;
      else this.refused.nodeLarge++;
      return false;
    }
    if (!small) {
      this.large.push(this.admitted, this.admitted + length);
      this.largeBytes += length;
    }
    this.admitted += length;
    return true;
  }

  /** Bytes of large frames among the `pending` bytes still queued. */
  private largeQueued(pending: number): number {
    const large = this.large;
    if (this.head === large.length) return 0;
    const drained = this.admitted - pending;
    while (this.head < large.length && (large[this.head + 1] as number) <= drained) {
      this.largeBytes -= (large[this.head + 1] as number) - (large[this.head] as number);
      this.head += 2;
    }
    if (this.head === large.length) {
      this.large = [];
      this.head = 0;
      return 0;
    }
    if (this.head >= 64 && this.head * 2 >= large.length) {
      // A reader that always has large frames queued never empties the list: drop what drained.
      this.large = large.slice(this.head);
      this.head = 0;
    }
    const start = this.large[this.head] as number;
    return this.largeBytes - (start < drained ? drained - start : 0);
  }
}

/**
 * Send refusals of an interface's connections, kept across connections: a closed connection's
 * counts are banked here and added to those of the live ones when read.
 */
export class SendDrops {
  private readonly banked = noRefusals();

  /** Banks the final counts of a closed connection. */
  bank(counts: Readonly<SendRefusalCounts>): void {
    add(this.banked, counts);
  }

  /**
   * The banked counts plus those of `live` connections, by drop reason: `tx_peer_budget_large`,
   * `tx_peer_budget_small` (the connection's own budget was full), `tx_node_budget_large`,
   * `tx_node_budget_small` (the node-wide send budget refused it).
   */
  read(live: Iterable<Readonly<SendRefusalCounts>>): Record<string, number> {
    const sum = noRefusals();
    add(sum, this.banked);
    for (const counts of live) add(sum, counts);
    return {
      tx_peer_budget_large: sum.peerLarge,
      tx_peer_budget_small: sum.peerSmall,
      tx_node_budget_large: sum.nodeLarge,
      tx_node_budget_small: sum.nodeSmall,
    };
  }
}

function add(into: SendRefusalCounts, from: Readonly<SendRefusalCounts>): void {
  into.peerLarge += from.peerLarge;
  into.peerSmall += from.peerSmall;
  into.nodeLarge += from.nodeLarge;
  into.nodeSmall += from.nodeSmall;
}
