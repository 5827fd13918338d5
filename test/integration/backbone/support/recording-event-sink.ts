import { EventSink } from '../../../../src/core/event-sink';
import { InterfaceEvent, InterfaceEventType } from '../../../../src/core/events';

/** The event of a given `type`. */
export type EventOf<T extends InterfaceEventType> = Extract<InterfaceEvent, { type: T }>;

/** Captured at load so waits stay bounded in real time while tests install sinon fake timers. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

interface Waiter {
  readonly match: (event: InterfaceEvent) => boolean;
  readonly resolve: (event: InterfaceEvent) => void;
}

/**
 * A fake driver: records every event, lets tests await the next event matching a predicate
 * (with a bounded timeout), and can be closed to simulate a stopped driver.
 */
export class RecordingEventSink implements EventSink {
  readonly events: InterfaceEvent[] = [];
  closed = false;
  private readonly waiters = new Set<Waiter>();

  send(event: InterfaceEvent): boolean {
    if (this.closed) return false;
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(event)) {
        this.waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
    return true;
  }

  /** Recorded events of one type. */
  ofType<T extends InterfaceEventType>(type: T): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }

  /** Recorded event types, in order, optionally only those about one interface id. */
  types(id?: number): InterfaceEventType[] {
    return this.events.filter((e) => id === undefined || eventId(e) === id).map((e) => e.type);
  }

  /**
   * Resolves with the first event (already recorded or future) of `type` matching `match`;
   * rejects after `timeoutMs`.
   */
  waitFor<T extends InterfaceEventType>(
    type: T,
    match: (event: EventOf<T>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<EventOf<T>> {
    const test = (e: InterfaceEvent): boolean => e.type === type && match(e as EventOf<T>);
    const found = this.events.find(test);
    if (found !== undefined) return Promise.resolve(found as EventOf<T>);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match: test,
        resolve: (e) => {
          realClearTimeout(timer);
          resolve(e as EventOf<T>);
        },
      };
      const timer = realSetTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

/** The interface id an event is about (the peer's id for Backbone peer events). */
export function eventId(event: InterfaceEvent): number | undefined {
  switch (event.type) {
    case 'InterfaceUp':
    case 'InterfaceDown':
    case 'Frame':
      return event.id;
    case 'BackbonePeerPenalty':
      return undefined;
    default:
      return event.peerInterfaceId;
  }
}
