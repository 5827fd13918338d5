import { EventSink } from '../event-sink';
import { InterfaceEvent } from '../events';
import { InterfaceId } from '../interface-id';

/**
 * The {@link EventSink} the driver hands out: it forwards each event, tagged with the id of the
 * interface it was made for (`null` for the driver's unowned sink), to the driver's loop. The
 * owner id is how the driver knows which listener spawned a dynamic interface.
 */
export class DriverEventSink implements EventSink {
  /**
   * @param owner - the configured interface this sink belongs to, or null.
   * @param accept - enqueues an event; returns false once the driver stopped.
   * @param isClosed - whether the driver stopped.
   */
  constructor(
    readonly owner: InterfaceId | null,
    private readonly accept: (event: InterfaceEvent, owner: InterfaceId | null) => boolean,
    private readonly isClosed: () => boolean,
  ) {}

  send(event: InterfaceEvent): boolean {
    return this.accept(event, this.owner);
  }

  get closed(): boolean {
    return this.isClosed();
  }
}
