/**
 * Node-wide bounds on the bytes interfaces buffer for their connections: one for unfinished
 * incoming frames, one for bytes queued for sending. The node creates one {@link BufferBudgets}
 * and hands it to every interface it starts, so a thousand connections across several listeners
 * share the same two limits.
 */

const MiB = 1024 * 1024;

/** Default limit of the {@link ReceiveBudget}: 64 MiB of unfinished incoming frames. */
export const DEFAULT_RECEIVE_BUDGET_BYTES = 64 * MiB;

/** Default limit of the {@link SendBudget}: 256 MiB queued for sending. */
export const DEFAULT_SEND_BUDGET_BYTES = 256 * MiB;

function checkLimit(name: string, bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new RangeError(`${name} must be a positive integer number of bytes, got ${bytes}`);
  }
  return bytes;
}

/** One connection's share of the {@link ReceiveBudget}. */
export interface ReceiveClaim {
  /** Bytes this connection holds now, as last reported. */
  readonly held: number;
  /**
   * Reports what the connection's decoder retains now. If the node-wide total then exceeds the
   * limit, the largest holders (possibly this one) are evicted until it fits.
   */
  update(bytes: number): void;
  /** Reports that the connection holds nothing any more (it closed). Never evicts. */
  release(): void;
}

/**
 * The receive budget's state: the total and a max-heap of the holders by holding. Not exported:
 * claims and the budget reach it, nobody else.
 */
class ReceiveLedger {
  total = 0;
  evictions = 0;
  readonly heap: ReceiveHolder[] = [];

  constructor(readonly limit: number) {}

  /** Applies a holder's new holding, then (with `enforce`) evicts while over the limit. */
  set(holder: ReceiveHolder, bytes: number, enforce: boolean): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`invalid holding ${bytes}`);
    this.total += bytes - holder.held;
    const grew = bytes > holder.held;
    holder.held = bytes;
    if (bytes === 0) this.remove(holder);
    else if (holder.index === -1) {
      holder.index = this.heap.length;
      this.heap.push(holder);
      this.siftUp(holder.index);
    } else if (grew) this.siftUp(holder.index);
    else this.siftDown(holder.index);
    if (enforce) this.enforce();
  }

  private enforce(): void {
    while (this.total > this.limit && this.heap.length > 0) {
      const victim = this.heap[0] as ReceiveHolder;
      this.total -= victim.held;
      victim.held = 0;
      this.remove(victim);
      this.evictions++;
      victim.onEvict();
    }
  }

  private remove(holder: ReceiveHolder): void {
    const index = holder.index;
    if (index === -1) return;
    holder.index = -1;
    const last = this.heap.pop() as ReceiveHolder;
    if (last === holder) return;
    this.heap[index] = last;
    last.index = index;
    this.siftUp(index);
    this.siftDown(last.index);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const item = heap[index] as ReceiveHolder;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as ReceiveHolder;
      if (parent.held >= item.held) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.index = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const item = heap[index] as ReceiveHolder;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && (heap[right] as ReceiveHolder).held > (heap[child] as ReceiveHolder).held) {
        child = right;
      }
      const larger = heap[child] as ReceiveHolder;
      if (larger.held <= item.held) break;
      heap[index] = larger;
      larger.index = index;
      index = child;
    }
    heap[index] = item;
    item.index = index;
  }
}

class ReceiveHolder implements ReceiveClaim {
  held = 0;
  /** Index in the ledger's heap; -1 while holding nothing. */
  index = -1;

  constructor(
    private readonly ledger: ReceiveLedger,
    readonly onEvict: () => void,
  ) {}

  update(bytes: number): void {
    if (bytes !== this.held) this.ledger.set(this, bytes, true);
  }

  release(): void {
    if (this.held !== 0) this.ledger.set(this, 0, false);
  }
}

/**
 * The node-wide budget for unfinished incoming frames (a stream decoder's partial frame). Each
 * connection takes a {@link ReceiveClaim} and reports what its decoder retains; when the total
 * passes the limit, the connection holding the most is evicted (its `onEvict` runs and its
 * holding is released at once), then the next largest, until the total fits.
 *
 * Holders sit in a max-heap by holding: the largest is found in O(1), a change costs
 * O(log holders). Decoders grow their buffers geometrically, so a holding changes a few times
 * per frame, not per chunk; a chunk that leaves it unchanged costs one comparison.
 */
export class ReceiveBudget {
  private readonly ledger: ReceiveLedger;

  /** @throws RangeError when `limitBytes` is not a positive integer. */
  constructor(limitBytes: number = DEFAULT_RECEIVE_BUDGET_BYTES) {
    this.ledger = new ReceiveLedger(checkLimit('receive budget', limitBytes));
  }

  /** The limit in bytes. */
  get limitBytes(): number {
    return this.ledger.limit;
  }

  /** Bytes held by all connections together. */
  get totalHeld(): number {
    return this.ledger.total;
  }

  /** Connections holding something. */
  get holders(): number {
    return this.ledger.heap.length;
  }

  /** Bytes held by the largest holder (0 when none). */
  get largestHeld(): number {
    return this.ledger.heap[0]?.held ?? 0;
  }

  /** Connections evicted because the total passed the limit. */
  get evictions(): number {
    return this.ledger.evictions;
  }

  /** A claim for one connection; `onEvict` is called (once per eviction) to cut it. */
  claim(onEvict: () => void): ReceiveClaim {
    return new ReceiveHolder(this.ledger, onEvict);
  }
}

/** One connection's share of the {@link SendBudget}. */
export interface SendClaim {
  /** Bytes this connection has queued, as last reported. */
  readonly held: number;
  /**
   * Whether `extra` more bytes may be queued for this connection now (see {@link SendBudget}),
   * `smallQueued` of its queued bytes being small frames (unknown: all of them).
   * A refusal is counted in {@link SendBudget.refusals}.
   */
  admits(extra: number, smallQueued?: number): boolean;
  /** Reports the bytes queued for this connection now (accepted and not yet taken by the kernel). */
  update(bytes: number): void;
  /**
   * One call for the hot path: reports `queued` bytes queued now, `smallQueued` of them small
   * frames (unknown: all of them), then, if {@link admits} allows `extra` more, counts them too
   * and returns true.
   */
  take(queued: number, extra: number, smallQueued?: number): boolean;
  /** Reports that the connection holds nothing any more (it closed). */
  release(): void;
}

/**
 * The largest frame (in bytes as queued, framing included) that counts as small: Reticulum
 * packets of the default 500-byte MTU frame to at most about 1 KiB. Send budgets keep a reserve
 * that only small frames may use, so a flood of large packets cannot crowd them out.
 */
export const SMALL_FRAME_BYTES = 4096;

/** The send budget's state; claims and the budget reach it, nobody else. */
class SendLedger {
  total = 0;
  holders = 0;
  refusals = 0;
  /** Past this total only connections under their share of the reserve may queue more. */
  readonly reserveFrom: number;
  /** Past this total only small frames, of connections under their share of the small reserve. */
  readonly smallFrom: number;

  constructor(readonly limit: number) {
    this.reserveFrom = Math.floor((limit * 3) / 4);
    this.smallFrom = Math.floor((limit * 7) / 8);
  }
}

class SendHolder implements SendClaim {
  held = 0;

  constructor(private readonly ledger: SendLedger) {}

  admits(extra: number, smallQueued: number = this.held): boolean {
    const ledger = this.ledger;
    const after = ledger.total + extra;
    if (after <= ledger.reserveFrom) return true;
    const holders = ledger.holders + (this.held === 0 ? 1 : 0);
    if (after <= ledger.smallFrom) {
      if (this.held + extra <= (ledger.limit - ledger.reserveFrom) / holders) return true;
    }
    if (extra <= SMALL_FRAME_BYTES && after <= ledger.limit) {
      if (smallQueued + extra <= (ledger.limit - ledger.smallFrom) / holders) return true;
    }
    ledger.refusals++;
    return false;
  }

  update(bytes: number): void {
    const held = this.held;
    if (bytes === held) return;
    const ledger = this.ledger;
    ledger.total += bytes - held;
    if (held === 0) ledger.holders++;
    else if (bytes === 0) ledger.holders--;
    this.held = bytes;
  }

  take(queued: number, extra: number, smallQueued: number = queued): boolean {
    const ledger = this.ledger;
    const held = this.held;
    const after = queued + extra;
    const total = ledger.total - held + after;
    if (total > ledger.reserveFrom) {
      // Near the limit: the full rule, with the holding brought up to date first.
      this.update(queued);
      if (!this.admits(extra, smallQueued)) return false;
      this.update(after);
      return true;
    }
    // The common case, far from the limit: a few additions, inline.
    ledger.total = total;
    if (held === 0) {
      if (after !== 0) ledger.holders++;
    } else if (after === 0) ledger.holders--;
    this.held = after;
    return true;
  }

  release(): void {
    this.update(0);
  }
}

/**
 * The node-wide budget for bytes queued for sending (accepted by writers, not yet taken by the
 * kernel). It is a hard bound on the total, and it keeps connections that fall behind from
 * starving the others, and large frames from crowding out small ones:
 *
 * - up to three quarters of the limit, every frame is admitted;
 * - up to seven eighths, a frame is admitted while its connection holds less than its share of
 *   the last quarter (a quarter of the limit / connections holding bytes), so packets are
 *   dropped for the connections with the most queued while those that keep up still get theirs;
 * - the last eighth takes small frames ({@link SMALL_FRAME_BYTES}) only, for a connection while
 *   its queued small frames stay under its share of that eighth. A reader that keeps up with
 *   its small frames gets them even while large packets a flooder sent wait in its queue; the
 *   total can only reach the limit once every connection used its small share;
 * - past the limit, nothing.
 *
 * O(1) per decision: a total, a count of holders and a division, no scan.
 */
export class SendBudget {
  private readonly ledger: SendLedger;

  /** @throws RangeError when `limitBytes` is not a positive integer. */
  constructor(limitBytes: number = DEFAULT_SEND_BUDGET_BYTES) {
    this.ledger = new SendLedger(checkLimit('send budget', limitBytes));
  }

  /** The limit in bytes. */
  get limitBytes(): number {
    return this.ledger.limit;
  }

  /** Bytes queued for all connections together. */
  get totalHeld(): number {
    return this.ledger.total;
  }

  /** Connections with bytes queued. */
  get holders(): number {
    return this.ledger.holders;
  }

  /** Packets refused because of this budget (a connection's own budget counts elsewhere). */
  get refusals(): number {
    return this.ledger.refusals;
  }

  /** A claim for one connection. */
  claim(): SendClaim {
    return new SendHolder(this.ledger);
  }
}

/** The limits of a {@link BufferBudgets}, in bytes. */
export interface BufferBudgetLimits {
  /** Limit of the receive budget; default {@link DEFAULT_RECEIVE_BUDGET_BYTES}. */
  readonly receiveBytes?: number;
  /** Limit of the send budget; default {@link DEFAULT_SEND_BUDGET_BYTES}. */
  readonly sendBytes?: number;
}

let processDefault: BufferBudgets | undefined;

/**
 * The two node-wide buffer budgets. The node creates one from its config and passes it to every
 * interface in the start context; interfaces started without one (library use) share
 * {@link BufferBudgets.processDefault}.
 */
export class BufferBudgets {
  /** Unfinished incoming frames. */
  readonly receive: ReceiveBudget;
  /** Bytes queued for sending. */
  readonly send: SendBudget;

  /** @throws RangeError when a limit is not a positive integer. */
  constructor(limits: BufferBudgetLimits = {}) {
    this.receive = new ReceiveBudget(limits.receiveBytes ?? DEFAULT_RECEIVE_BUDGET_BYTES);
    this.send = new SendBudget(limits.sendBytes ?? DEFAULT_SEND_BUDGET_BYTES);
  }

  /** One instance with the default limits, shared by every interface started without budgets. */
  static processDefault(): BufferBudgets {
    processDefault ??= new BufferBudgets();
    return processDefault;
  }
}
