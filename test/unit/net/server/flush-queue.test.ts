import { expect } from 'chai';
import { Flushable, FlushQueue } from '../../../../src/net/server/flush-queue';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Records the order in which items were flushed. */
class Item implements Flushable {
  constructor(
    private readonly name: string,
    private readonly log: string[],
  ) {}
  flush(): void {
    this.log.push(this.name);
  }
}

describe('FlushQueue', () => {
  it('flushes items enqueued outside a hold at the end of the turn, once each, in order', async () => {
    const log: string[] = [];
    const queue = new FlushQueue<Item>();
    queue.enqueue(new Item('a', log));
    queue.enqueue(new Item('b', log));
    expect(log).to.deep.equal([]);
    await turn();
    expect(log).to.deep.equal(['a', 'b']);
    await turn();
    expect(log).to.deep.equal(['a', 'b']);
  });

  it('flushes items enqueued inside a hold when the outermost hold is released, synchronously', async () => {
    const log: string[] = [];
    const queue = new FlushQueue<Item>();
    queue.hold();
    queue.enqueue(new Item('a', log));
    queue.hold();
    queue.enqueue(new Item('b', log));
    queue.release();
    expect(log).to.deep.equal([]);
    queue.release();
    expect(log).to.deep.equal(['a', 'b']);
    await turn();
    expect(log).to.deep.equal(['a', 'b']);
  });

  it('a release also flushes what was waiting for the end of the turn, and the turn then flushes nothing twice', async () => {
    const log: string[] = [];
    const queue = new FlushQueue<Item>();
    queue.enqueue(new Item('early', log));
    queue.hold();
    queue.enqueue(new Item('held', log));
    queue.release();
    expect(log).to.deep.equal(['early', 'held']);
    await turn();
    expect(log).to.deep.equal(['early', 'held']);
    queue.enqueue(new Item('later', log));
    await turn();
    expect(log).to.deep.equal(['early', 'held', 'later']);
  });
});
