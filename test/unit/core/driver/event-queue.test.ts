import { expect } from 'chai';
import { EventQueue } from '../../../../src/core/driver/event-queue';
import { InterfaceEvent } from '../../../../src/core/events';

describe('EventQueue', () => {
  it('is FIFO, keeps each event with its owner, and empties cleanly', () => {
    const queue = new EventQueue();
    const events: InterfaceEvent[] = [1, 2, 3].map((id) => ({ type: 'InterfaceDown', id }));
    queue.push(events[0] as InterfaceEvent, 7);
    queue.push(events[1] as InterfaceEvent, null);
    expect(queue.length).to.equal(2);
    expect(queue.peekOwner()).to.equal(7);
    expect(queue.shift()).to.equal(events[0]);
    queue.push(events[2] as InterfaceEvent, 9);
    expect(queue.peekOwner()).to.equal(null);
    expect(queue.shift()).to.equal(events[1]);
    expect(queue.peekOwner()).to.equal(9);
    expect(queue.shift()).to.equal(events[2]);
    expect(queue.length).to.equal(0);
    expect(queue.shift()).to.equal(undefined);
  });
});
