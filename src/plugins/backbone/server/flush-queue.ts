/** Something with buffered output to write out. */
export interface Flushable {
  /** Writes out what was buffered since the last flush. */
  flush(): void;
}

/**
 * Coalesces flushes: items enqueued during one event-loop turn are flushed together once, in a
 * `setImmediate` callback (the check phase, after every socket read of that turn was handled).
 * A relay that forwards the frames of many reads to one peer therefore hands that peer's socket
 * a single buffer per turn instead of one write per frame, which is where most of a Node
 * relay's per-frame cost goes. One queue per server costs one callback per turn, not per peer.
 */
export class FlushQueue<T extends Flushable> {
  private pending: T[] = [];
  private scheduled = false;

  /** Flushes `item` at the end of this turn. The caller enqueues an item at most once per turn. */
  enqueue(item: T): void {
    this.pending.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    for (const item of items) item.flush();
  };
}
