import { InterfaceId } from './interface-id';
import { InterfaceInfo } from './interface-info';
import { PluginEvent } from './plugin-events';
import { Writer } from './writer';

/**
 * An interface came online.
 * - With `info`: a new dynamic interface (a peer of a listener); `writer` is its writer.
 * - Without `info`: a configured interface is (back) online; a `writer` replaces the old one
 *   (a client that reconnected on a new socket).
 */
export interface InterfaceUpEvent {
  /** Discriminant. */
  readonly type: 'InterfaceUp';
  /** The interface that came up. */
  readonly id: InterfaceId;
  /** Its writer (required for a dynamic interface; replaces the old one for a configured one). */
  readonly writer?: Writer;
  /** Present only for a new dynamic interface. */
  readonly info?: InterfaceInfo;
}

/** An interface went offline: a dynamic one is removed, a configured one marked offline. */
export interface InterfaceDownEvent {
  /** Discriminant. */
  readonly type: 'InterfaceDown';
  /** The interface that went down. */
  readonly id: InterfaceId;
}

/** One deframed packet received on an interface. `data` is immutable from here on. */
export interface FrameEvent {
  /** Discriminant. */
  readonly type: 'Frame';
  /** The interface it arrived on. */
  readonly id: InterfaceId;
  /** The deframed Reticulum packet. */
  readonly data: Uint8Array;
}

/** Every event an interface sends to the driver, discriminated by `type`. */
export type InterfaceEvent = InterfaceUpEvent | InterfaceDownEvent | FrameEvent | PluginEvent;

/** The `type` tags of {@link InterfaceEvent}. */
export type InterfaceEventType = InterfaceEvent['type'];
