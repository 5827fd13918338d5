import { EventSink } from '../../src/core/event-sink';
import { InterfaceEvent, InterfaceEventType } from '../../src/core/events';
import { PluginEvent, PluginEventMap, PluginEventName } from '../../src/core/plugin-events';

/** The event of a given `type`. */
export type EventOf<T extends InterfaceEventType> = Extract<InterfaceEvent, { type: T }>;

/** An event's type, or a plugin event's name: what {@link RecordingEventSink.types} lists. */
export type EventLabel = Exclude<InterfaceEventType, 'Plugin'> | PluginEventName;

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

  /** The details of the recorded plugin events named `name`, in order. */
  details<N extends PluginEventName>(name: N): PluginEventMap[N][] {
    return this.events.filter((e) => isNamed(e, name)).map((e) => detailOf<N>(e));
  }

  /** The details of the recorded `peer.disconnected` events with this cause. */
  closedBy(cause: string): PluginEventMap['peer.disconnected'][] {
    return this.details('peer.disconnected').filter((d) => d.cause === cause);
  }

  /**
   * Resolves with the detail of the first plugin event (already recorded or future) named `name`
   * that `match` accepts; rejects after `timeoutMs`.
   */
  async waitForDetail<N extends PluginEventName>(
    name: N,
    match: (detail: PluginEventMap[N]) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<PluginEventMap[N]> {
    const test = (e: InterfaceEvent): boolean => isNamed(e, name) && match(detailOf<N>(e));
    const found = this.events.find(test);
    if (found !== undefined) return detailOf<N>(found);
    return detailOf<N>(await this.awaitEvent(name, test, timeoutMs));
  }

  /**
   * Recorded event types (a plugin event by its name), in order, optionally only those about one
   * interface id.
   */
  types(id?: number): EventLabel[] {
    return this.events.filter((e) => id === undefined || eventId(e) === id).map(labelOf);
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

/** The interface id an event is about (the peer's id for peer events). */
export function eventId(event: InterfaceEvent): number | undefined {
  if (event.type !== 'Plugin') return event.id;
  const detail: object = event.detail;
  return 'peerId' in detail && typeof detail.peerId === 'number' ? detail.peerId : undefined;
}

function labelOf(event: InterfaceEvent): EventLabel {
  return event.type === 'Plugin' ? event.name : event.type;
}

function isNamed(event: InterfaceEvent, name: PluginEventName): boolean {
  return event.type === 'Plugin' && event.name === name;
}

/** The detail of a plugin event already checked with {@link isNamed}. */
function detailOf<N extends PluginEventName>(event: InterfaceEvent): PluginEventMap[N] {
  return (event as unknown as PluginEvent<N>).detail;
}
