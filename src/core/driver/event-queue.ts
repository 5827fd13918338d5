import { InterfaceEvent } from '../events';
import { InterfaceId } from '../interface-id';

/**
 * A FIFO of events with the id of the sink each came through (`null` for the driver's unowned
 * sink). Two parallel arrays and a head index instead of an array of pairs and `shift()`: an
 * enqueue allocates nothing per event (beyond amortised array growth) and a dequeue is O(1).
 */
export class EventQueue {
  private readonly events: (InterfaceEvent | undefined)[] = [];
  private readonly owners: (InterfaceId | null)[] = [];
  private head = 0;

  /** Events waiting. */
  get length(): number {
    return this.events.length - this.head;
  }

  /** Appends one event. */
  push(event: InterfaceEvent, owner: InterfaceId | null): void {
    this.events.push(event);
    this.owners.push(owner);
  }

  /** The owner of the next event; call before {@link shift}, only when {@link length} > 0. */
  peekOwner(): InterfaceId | null {
    return this.owners[this.head] ?? null;
  }

  /**
   * Removes and returns the next event, or undefined when empty. When the queue runs empty
   * the arrays are truncated, so a long-running driver does not keep consumed events alive.
   */
  shift(): InterfaceEvent | undefined {
    if (this.head >= this.events.length) return undefined;
    const event = this.events[this.head];
    // Drop the reference so a consumed frame's buffer can be collected before the queue empties.
    this.events[this.head] = undefined;
    this.head++;
    if (this.head === this.events.length) this.clear();
    return event;
  }

  /** Drops every waiting event. */
  clear(): void {
    this.events.length = 0;
    this.owners.length = 0;
    this.head = 0;
  }
}
