/** Something with buffered output to write out. */
export interface Flushable {
  /** Writes out what was buffered since the last flush. */
  flush(): void;
}

/**
 * Coalesces flushes, so a peer's socket gets one write for many forwarded frames instead of
 * one write per frame (where most of a Node relay's per-frame cost goes).
 *
 * Two ways a flush happens:
 * - Inside a {@link hold} / {@link release} bracket (the server wraps each received chunk in
 *   one), items enqueued are flushed when the outermost bracket is released: the frames a chunk
 *   produced leave right after the chunk was decoded and relayed, in the same callback, as a
 *   minimal relay writes them. Waiting for the end of the event-loop turn instead costs latency
 *   (every other callback of the turn runs first) for little gain: at a fixed rate a turn
 *   rarely holds more than one chunk, and under saturation each chunk already carries many
 *   frames per write.
 * - Anything enqueued outside a bracket (a packet from another interface, a timer) is flushed
 *   in a `setImmediate` callback at the end of the turn, one callback per queue, not per peer.
 */
export class FlushQueue<T extends Flushable> {
  private pending: T[] = [];
  private scheduled = false;
  private holds = 0;

  /** Flushes `item` soon (see the class comment). The caller enqueues an item at most once until it is flushed. */
  enqueue(item: T): void {
    this.pending.push(item);
    if (this.holds === 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.runScheduled);
    }
  }

  /** Defers flushes until the matching {@link release}. Brackets nest. */
  hold(): void {
    this.holds++;
  }

  /** Ends a {@link hold}; the outermost release flushes everything enqueued meanwhile. */
  release(): void {
    if (--this.holds === 0) this.run();
  }

  private readonly runScheduled = (): void => {
    this.scheduled = false;
    // A release may have flushed these already; then there is nothing left to do.
    if (this.holds === 0) this.run();
  };

  private run(): void {
    const items = this.pending;
    if (items.length === 0) return;
    this.pending = [];
    for (const item of items) item.flush();
  }
}
