import { BinaryKey } from '../core/binary-key';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceId } from '../core/interface-id';
import { AnnouncePayload } from '../protocol/announce';
import { Packet } from '../protocol/packet';

/** An announce waiting for its signature check. */
export interface PendingVerification {
  /** The announce packet as received. */
  readonly packet: Packet;
  /** Its fields, parsed once on arrival. */
  readonly announce: AnnouncePayload;
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

  /** Whether an announce from `source` would be refused as `full` now (checked before any work on it). */
  isFull(source: InterfaceId): boolean {
    if (this.total >= this.capacity) return true;
    const fifo = this.queues.get(source);
    return fifo !== undefined && fifo.length >= this.perInterface;
  }

  /** Whether the announce of this key is queued already. */
  has(key: BinaryKey): boolean {
    return this.queued.has(key);
  }

  /** Queues an announce, or says why not. */
  enqueue(item: PendingVerification): 'queued' | 'duplicate' | 'full' {
    if (this.queued.has(item.key)) return 'duplicate';
    if (this.isFull(item.source.id)) return 'full';
    let fifo = this.queues.get(item.source.id);
    if (fifo === undefined) {
      fifo = new Fifo();
      this.queues.set(item.source.id, fifo);
    }
    fifo.push(item);
    this.queued.add(item.key);
    this.total++;
    return 'queued';
  }

  /** Takes the next announce, one interface after the other; undefined when none waits. */
  take(): PendingVerification | undefined {
    const next = this.queues.entries().next();
    if (next.done === true) return undefined;
    const [id, fifo] = next.value;
    const item = fifo.shift();
    this.queued.delete(item.key);
    this.total--;
    // Re-inserting moves the interface behind the others.
    this.queues.delete(id);
    if (fifo.length > 0) this.queues.set(id, fifo);
    return item;
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
