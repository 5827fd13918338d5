import { expect } from 'chai';
import sinon from 'sinon';
import { ReadTurn, TurnPausable } from '../../../src/net/read-turn';

describe('ReadTurn: the time one event-loop turn may spend on socket reads', () => {
  let clock: sinon.SinonFakeTimers;
  let now: number;
  let turn: ReadTurn;
  let resumed: string[];
  const reader = (name: string): TurnPausable => ({ resumeReading: () => void resumed.push(name) });

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] });
    now = 1_000;
    turn = new ReadTurn(10, () => now);
    resumed = [];
  });
  afterEach(() => clock.restore());

  it('never pauses the first read of a turn, however long it took', () => {
    now += 500;
    expect(turn.spent()).to.equal(false);
  });

  it('is spent once the reads after the first have run past the budget', () => {
    expect(turn.spent()).to.equal(false);
    now += 10;
    expect(turn.spent()).to.equal(false);
    now += 1;
    expect(turn.spent()).to.equal(true);
  });

  it('resumes every reader it paused when the turn ends, once, and counts the pauses', () => {
    turn.spent();
    now += 11;
    expect(turn.spent()).to.equal(true);
    turn.resumeNextTurn(reader('a'));
    turn.resumeNextTurn(reader('b'));
    expect(resumed).to.deep.equal([]);
    clock.runAll();
    expect(resumed).to.deep.equal(['a', 'b']);
    clock.runAll();
    expect(resumed).to.deep.equal(['a', 'b']);
    expect(turn.pauses).to.equal(2);
  });

  it('starts each turn with the whole budget', () => {
    turn.spent();
    now += 11;
    expect(turn.spent()).to.equal(true);
    clock.runAll();
    now += 1_000;
    expect(turn.spent()).to.equal(false);
    now += 5;
    expect(turn.spent()).to.equal(false);
  });
});
