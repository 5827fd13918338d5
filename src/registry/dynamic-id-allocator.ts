import { FIRST_DYNAMIC_INTERFACE_ID } from '../core/constants';
import { InterfaceId } from '../core/interface-id';
import { DynamicIdAllocator } from './interface-factory';

/**
 * Hands out dynamic interface ids in sequence, never reusing one while the node runs (a late
 * event for a gone peer then cannot hit a new one). One instance is shared by every listener.
 */
export class SequentialIdAllocator implements DynamicIdAllocator {
  private nextId: InterfaceId;

  /** @param first - the first id handed out; {@link FIRST_DYNAMIC_INTERFACE_ID} by default. */
  constructor(first: InterfaceId = FIRST_DYNAMIC_INTERFACE_ID) {
    this.nextId = first;
  }

  /** The next id: one more than the last, never reused. */
  next(): InterfaceId {
    return this.nextId++;
  }
}
