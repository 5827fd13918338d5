import { EventSink } from '../../src/core/event-sink';
import { InterfaceEvent, InterfaceEventType } from '../../src/core/events';

/** The event of a given `type`. */
export type EventOf<T extends InterfaceEventType> = Extract<InterfaceEvent, { type: T }>;

/** Captured at load so waits stay bounded in real time while tests install sinon fake timers. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

interface Waiter {
  readonly match: (event: InterfaceEvent) => boolean;
  readonly resolve: (event: InterfaceEvent) => void;
}

/** Default bound of {@link RecordingEventSink.next}. */
const NEXT_EVENT_WAIT_MS = 2000;

/**
 * A fake driver: records every event, lets tests await an event matching a predicate
 * ({@link waitFor}) or consume events of a type in order ({@link next}), always with a bounded
 * timeout, and can be closed to simulate a stopped driver.
 */
export class RecordingEventSink implements EventSink {
  readonly events: InterfaceEvent[] = [];
  closed = false;
  private readonly waiters = new Set<Waiter>();
  /** Events before this index were consumed by {@link next}. */
  private cursor = 0;

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
    return this.awaitEvent(`${type}`, test, timeoutMs);
  }

  /**
   * The next event of `type` not yet consumed by an earlier `next` (events are consumed in
   * order, so one already recorded is returned at once; events of other types passed over are
   * consumed too); rejects after `timeoutMs`.
   */
  next<T extends InterfaceEventType>(type: T, timeoutMs = NEXT_EVENT_WAIT_MS): Promise<EventOf<T>> {
    while (this.cursor < this.events.length) {
      const event = this.events[this.cursor++]!;
      if (event.type === type) return Promise.resolve(event as EventOf<T>);
    }
    return this.awaitEvent(
      `event ${type}`,
      (event) => {
        this.cursor = this.events.length;
        return event.type === type;
      },
      timeoutMs,
    );
  }

  /** Resolves with the first future event `match` accepts; rejects after `timeoutMs`. */
  private awaitEvent<E extends InterfaceEvent>(
    what: string,
    match: (event: InterfaceEvent) => boolean,
    timeoutMs: number,
  ): Promise<E> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          realClearTimeout(timer);
          resolve(e as E);
        },
      };
      const timer = realSetTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
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
