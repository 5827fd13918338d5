import { InterfaceEvent } from './events';

/**
 * Where interfaces send their events. The driver provides it; plugins only see this contract,
 * which keeps the core free of plugin imports and plugins free of driver internals.
 */
export interface EventSink {
  /**
   * Delivers one event. Returns `false` once the driver is gone (stopped): the interface should
   * then close its sockets and stop, as rns-net's threads do when their channel closes.
   * Never throws, whatever a listener downstream does.
   */
  send(event: InterfaceEvent): boolean;
  /** True once the driver stopped accepting events. */
  readonly closed: boolean;
}
