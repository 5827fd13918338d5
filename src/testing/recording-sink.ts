import { EventSink } from '../core/event-sink';
import { InterfaceEvent } from '../core/events';

/** Waits for an event that matches, with a bounded timeout. */
interface Waiter {
  readonly from: number;
  readonly match: (event: InterfaceEvent) => boolean;
  readonly resolve: (event: InterfaceEvent) => void;
}

/**
 * An {@link EventSink} for tests: records every event and lets a test wait for one that matches
 * (event-driven, bounded by a timeout that is always cleared). {@link close} makes it behave
 * as a stopped driver's sink.
 */
export class RecordingSink implements EventSink {
  readonly events: InterfaceEvent[] = [];
  private waiters: Waiter[] = [];
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: InterfaceEvent): boolean {
    if (this.isClosed) return false;
    this.events.push(event);
    const index = this.events.length - 1;
    const ready = this.waiters.filter((w) => index >= w.from && w.match(event));
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(event);
    }
    return true;
  }

  /** Stops accepting events: `send` returns false from now on. */
  close(): void {
    this.isClosed = true;
  }

  /** The number of events recorded so far (a cursor for {@link waitFor}). */
  get count(): number {
    return this.events.length;
  }

  /**
   * The first event at or after index `from` that matches, waiting up to `timeoutMs` for it.
   * Rejects with `what` in the message when none arrives in time.
   */
  waitFor<E extends InterfaceEvent>(
    what: string,
    match: (event: InterfaceEvent) => event is E,
    timeoutMs: number,
    from = 0,
  ): Promise<E> {
    const seen = this.events.slice(from).find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<E>((resolve, reject) => {
      const waiter: Waiter = {
        from,
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event as E);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
