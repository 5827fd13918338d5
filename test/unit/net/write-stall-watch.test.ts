import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../../src/core/clock';
import { WriteStallWatch } from '../../../src/net/write-stall-watch';

describe('WriteStallWatch', () => {
  let clock: sinon.SinonFakeTimers;
  let queue: { writableLength: number };
  let timeoutMs: number;
  let stalls: number[];
  let watch: WriteStallWatch;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    queue = { writableLength: 0 };
    timeoutMs = 1000;
    stalls = [];
    watch = new WriteStallWatch(
      queue,
      systemClock,
      () => timeoutMs,
      (ms) => stalls.push(ms),
    );
  });

  afterEach(() => clock.restore());

  const write = (queued: number): void => {
    watch.beforeWrite();
    queue.writableLength = queued;
    watch.afterWrite();
  };

  it('runs no timer while the kernel takes every write', () => {
    write(0);
    clock.tick(5000);
    expect(stalls).to.deep.equal([]);
  });

  it('reports a stall once when queued bytes make no progress for the timeout', () => {
    write(100);
    clock.tick(999);
    expect(stalls).to.deep.equal([]);
    clock.tick(1);
    expect(stalls).to.deep.equal([1000]);
    clock.tick(5000);
    expect(stalls).to.have.length(1);
  });

  it('counts each completed write as progress and stops when the queue empties', () => {
    write(100);
    clock.tick(800);
    watch.written();
    clock.tick(800);
    expect(stalls).to.deep.equal([], 'progress at 800 ms restarted the count');
    queue.writableLength = 0;
    watch.written();
    clock.tick(5000);
    expect(stalls).to.deep.equal([]);
  });

  it('ignores a write that completed with an error', () => {
    write(100);
    clock.tick(800);
    watch.written(new Error('EPIPE'));
    clock.tick(200);
    expect(stalls).to.deep.equal([1000]);
  });

  it('applies a changed timeout from the last progress; 0 turns it off', () => {
    write(100);
    clock.tick(300);
    timeoutMs = 0;
    watch.timeoutChanged();
    clock.tick(5000);
    expect(stalls).to.deep.equal([]);
    timeoutMs = 200;
    watch.timeoutChanged();
    clock.tick(0);
    expect(stalls).to.deep.equal([200], 'overdue at once');
  });

  describe('during one large write (the kernel takes it bit by bit)', () => {
    let handle: { writeQueueSize: number };
    beforeEach(() => {
      handle = { writeQueueSize: 0 };
      const socket = { writableLength: 0, _handle: handle };
      queue = socket;
      watch = new WriteStallWatch(
        socket,
        systemClock,
        () => timeoutMs,
        (ms) => stalls.push(ms),
      );
    });

    it('counts a drop in the bytes left of the write in flight as progress', () => {
      handle.writeQueueSize = 4_000_000;
      write(4_000_000);
      for (let i = 0; i < 20; i++) {
        clock.tick(500);
        handle.writeQueueSize -= 100_000; // a slow reader: 200 kB/s
      }
      expect(stalls).to.deep.equal([]);
    });

    it('reports a stall within a quarter of the timeout after the last byte moved', () => {
      handle.writeQueueSize = 4_000_000;
      write(4_000_000);
      clock.tick(600);
      handle.writeQueueSize = 3_900_000; // seen by the sample at 750 ms
      clock.tick(1149);
      expect(stalls).to.deep.equal([]);
      clock.tick(1);
      expect(stalls).to.deep.equal([1000]);
    });

    it('still reports a write that never moves at the timeout', () => {
      handle.writeQueueSize = 4_000_000;
      write(4_000_000);
      clock.tick(999);
      expect(stalls).to.deep.equal([]);
      clock.tick(1);
      expect(stalls).to.deep.equal([1000]);
    });
  });

  it('does not count time the process was too busy to run the timer against the peer', () => {
    const realTick = (ms: number): void => {
      // The event loop stood still: the clock moved, no timer ran.
      clock.setSystemTime(Date.now() + ms);
    };
    write(100);
    clock.tick(200);
    realTick(5000);
    clock.tick(100); // the sample due at 250 runs 4.85 s late
    expect(stalls).to.deep.equal([]);
    clock.tick(5000);
    expect(stalls).to.deep.equal([1000], 'a stall counted on time is still one');
  });

  it('reports nothing after stop', () => {
    write(100);
    watch.stop();
    clock.tick(5000);
    expect(stalls).to.deep.equal([]);
  });
});
