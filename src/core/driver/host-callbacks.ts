import { EventEmitter } from 'eventemitter3';
import { PluginEvent, PluginEventSource } from '../plugin-events';
import { InterfaceEntry } from './interface-entry';

/**
 * The host callbacks a {@link HostDriver} emits, for embedding code that observes the node.
 * Listeners run synchronously inside the driver's event loop; a listener that throws is caught,
 * logged and reported through `handlerError`, and the other listeners still run.
 */
export interface HostDriverEvents {
  /** An interface came online (a configured one reconnected, or a dynamic one was added). */
  interfaceUp: (entry: InterfaceEntry) => void;
  /** An interface went offline (a dynamic one was removed, a configured one marked offline). */
  interfaceDown: (entry: InterfaceEntry) => void;
  /**
   * An event of an interface's own (see `PluginEventMap`): a listener's peer connected,
   * disconnected or was penalised, or anything a plugin declared. `source` is the configured
   * interface that sent it.
   */
  pluginEvent: (event: PluginEvent, source: PluginEventSource) => void;
  /**
   * A packet handler or a host callback threw. `entry` is the interface whose event was being
   * handled, when there is one.
   */
  handlerError: (error: unknown, entry: InterfaceEntry | undefined) => void;
}

/** The name of one host callback. */
export type HostDriverEventName = keyof HostDriverEvents;

/** Listeners as the untyped inner emitter stores them; the public methods keep the types. */
type AnyListener = (...args: unknown[]) => void;

/**
 * A typed eventemitter3 emitter whose listeners are isolated from each other and from the
 * emitter: eventemitter3 lets a throwing listener propagate into `emit()` (and so into the
 * socket handler of the interface that caused it) and skips the listeners after it. Each
 * listener is registered wrapped in a try/catch; the wrapper is kept per listener so `off`
 * still finds it.
 *
 * The same listener added twice to one event is one wrapper added twice, as with a plain
 * emitter; `off` removes both.
 */
export class HostCallbacks {
  private readonly emitter = new EventEmitter<HostDriverEventName>();
  private readonly wrappers = new Map<HostDriverEventName, WeakMap<AnyListener, AnyListener>>();

  /**
   * @param onListenerError - called with whatever a listener threw and the event's name.
   */
  constructor(private readonly onListenerError: (error: unknown, event: HostDriverEventName) => void) {}

  /** Adds a listener. */
  on<E extends HostDriverEventName>(event: E, listener: HostDriverEvents[E]): void {
    this.emitter.on(event, this.wrap(event, listener as unknown as AnyListener));
  }

  /** Adds a listener that runs once. */
  once<E extends HostDriverEventName>(event: E, listener: HostDriverEvents[E]): void {
    this.emitter.once(event, this.wrap(event, listener as unknown as AnyListener));
  }

  /** Removes a listener added with {@link on} or {@link once}. */
  off<E extends HostDriverEventName>(event: E, listener: HostDriverEvents[E]): void {
    const wrapped = this.wrappers.get(event)?.get(listener as unknown as AnyListener);
    if (wrapped !== undefined) this.emitter.off(event, wrapped);
  }

  /** Whether anyone listens to `event` (lets the driver skip building arguments). */
  has(event: HostDriverEventName): boolean {
    return this.emitter.listenerCount(event) > 0;
  }

  /** Calls every listener of `event`; never throws. */
  emit<E extends HostDriverEventName>(event: E, ...args: Parameters<HostDriverEvents[E]>): void {
    this.emitter.emit(event, ...args);
  }

  /** Removes every listener. */
  clear(): void {
    this.emitter.removeAllListeners();
  }

  private wrap(event: HostDriverEventName, listener: AnyListener): AnyListener {
    // One wrapper per (event, listener), so `off` finds it and errors name the right event.
    let byListener = this.wrappers.get(event);
    if (byListener === undefined) {
      byListener = new WeakMap();
      this.wrappers.set(event, byListener);
    }
    let wrapped = byListener.get(listener);
    if (wrapped === undefined) {
      const onError = this.onListenerError;
      wrapped = (...args: unknown[]) => {
        try {
          listener(...args);
        } catch (error) {
          onError(error, event);
        }
      };
      byListener.set(listener, wrapped);
    }
    return wrapped;
  }
}
