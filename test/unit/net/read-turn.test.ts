import { expect } from 'chai';
import sinon from 'sinon';
import { PausableStream, ReadTurn } from '../../../src/net/read-turn';

/** A stream that records whether it is paused. */
class Stream implements PausableStream {
  paused = false;
  resumes = 0;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.resumes++;
  }
}

describe('ReadTurn: the time one event-loop turn may spend on socket reads', () => {
  let clock: sinon.SinonFakeTimers;
  let now: number;
  let turn: ReadTurn;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] });
    now = 1_000;
    turn = new ReadTurn(10, () => now);
  });
  afterEach(() => clock.restore());

  it('never pauses after the first read of a turn, however long it took', () => {
    const stream = new Stream();
    now += 500;
    turn.afterRead(stream);
    expect(stream.paused).to.equal(false);
  });

  it('pauses a reader once the reads after the first have run past the budget', () => {
    const stream = new Stream();
    turn.afterRead(stream);
    now += 10;
    turn.afterRead(stream);
    expect(stream.paused).to.equal(false);
    now += 1;
    turn.afterRead(stream);
    expect(stream.paused).to.equal(true);
  });

  it('resumes every stream it paused when the turn ends, once, and counts the pauses', () => {
    const [a, b] = [new Stream(), new Stream()];
    turn.afterRead(a);
    now += 11;
    turn.afterRead(a);
    turn.afterRead(b);
    expect([a.paused, b.paused]).to.deep.equal([true, true]);
    clock.runAll();
    expect([a.paused, b.paused]).to.deep.equal([false, false]);
    clock.runAll();
    expect([a.resumes, b.resumes]).to.deep.equal([1, 1]);
    expect(turn.pauses).to.equal(2);
  });

  it('starts each turn with the whole budget', () => {
    const stream = new Stream();
    turn.afterRead(stream);
    now += 11;
    turn.afterRead(stream);
    clock.runAll();
    now += 1_000;
    turn.afterRead(stream);
    now += 5;
    turn.afterRead(stream);
    expect(stream.paused).to.equal(false);
    expect(turn.pauses).to.equal(1);
  });
});
