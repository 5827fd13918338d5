import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceId } from '../core/interface-id';
import { BinaryKey } from './binary-key';

/** An announce waiting for its signature check. */
export interface PendingVerification {
  /** The announce as received. */
  readonly raw: Uint8Array;
  /** The interface it came in on. */
  readonly source: InterfaceEntry;
  /** Its truncated packet hash: the verified-cache key. */
  readonly key: BinaryKey;
}

/** A FIFO of one interface's pending announces. */
class Fifo {
  items: PendingVerification[] = [];
  head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: PendingVerification): void {
    this.items.push(item);
  }

  shift(): PendingVerification {
    const item = this.items[this.head++] as PendingVerification;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * Announces waiting for an Ed25519 verification, so signature checks never hold up forwarding:
 * the engine verifies a bounded slice per event-loop turn and lets socket reads (and the frames
 * they carry) in between. One FIFO per interface, drained round-robin: a peer flooding announces
 * delays its own, not anyone else's. Bounded in total and per interface; a copy of an announce
 * already queued is not queued twice.
 */
export class VerificationQueue {
  private readonly queues = new Map<InterfaceId, Fifo>();
  private readonly queued = new Set<BinaryKey>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly perInterface: number,
  ) {}

  /** Announces waiting. */
  get size(): number {
    return this.total;
  }

  /** Queues an announce, or says why not. */
  enqueue(item: PendingVerification): 'queued' | 'duplicate' | 'full' {
    if (this.queued.has(item.key)) return 'duplicate';
    let fifo = this.queues.get(item.source.id);
    if (this.total >= this.capacity || (fifo !== undefined && fifo.length >= this.perInterface))
      return 'full';
    if (fifo === undefined) {
      fifo = new Fifo();
      this.queues.set(item.source.id, fifo);
    }
    fifo.push(item);
    this.queued.add(item.key);
    this.total++;
    return 'queued';
  }

  /** Takes up to `budget` announces, one interface after the other. */
  take(budget: number): PendingVerification[] {
    const out: PendingVerification[] = [];
    while (out.length < budget && this.total > 0) {
      for (const [id, fifo] of this.queues) {
        const item = fifo.shift();
        this.queued.delete(item.key);
        this.total--;
        out.push(item);
        // Re-inserting moves the interface behind the others for the next round.
        this.queues.delete(id);
        if (fifo.length > 0) this.queues.set(id, fifo);
        if (out.length >= budget) break;
      }
    }
    return out;
  }

  /** Drops what an interface that went away had queued; returns how many. */
  dropInterface(id: InterfaceId): number {
    const fifo = this.queues.get(id);
    if (fifo === undefined) return 0;
    this.queues.delete(id);
    let dropped = 0;
    while (fifo.length > 0) {
      this.queued.delete(fifo.shift().key);
      dropped++;
    }
    this.total -= dropped;
    return dropped;
  }
}
