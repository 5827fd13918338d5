import { expect } from 'chai';
import sinon from 'sinon';
import { checkTimerDelay, MAX_TIMER_DELAY_MS, systemClock } from '../../../src/core/clock';

const DAY = 24 * 60 * 60 * 1000;

describe('systemClock timers', () => {
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  it('fires a delay past the longest host timer when it is due, not after 1 ms', () => {
    clock = sinon.useFakeTimers();
    let fired = 0;
    systemClock.setTimeout(() => fired++, 3_000_000_000);
    clock.tick(1);
    expect(fired, 'the host would fire an over-long delay after 1 ms').to.equal(0);
    clock.tick(MAX_TIMER_DELAY_MS);
    expect(fired).to.equal(0);
    clock.tick(3_000_000_000 - MAX_TIMER_DELAY_MS - 2);
    expect(fired).to.equal(0);
    clock.tick(1);
    expect(fired).to.equal(1);
    clock.tick(10 * MAX_TIMER_DELAY_MS);
    expect(fired).to.equal(1);
  });

  it('waits out delays many times the host limit (a year) and stays cancellable at every step', () => {
    clock = sinon.useFakeTimers();
    let fired = 0;
    systemClock.setTimeout(() => fired++, 365 * DAY);
    const cancelled = systemClock.setTimeout(() => fired++, 365 * DAY);
    clock.tick(100 * DAY);
    cancelled.cancel();
    clock.tick(265 * DAY - 1);
    expect(fired).to.equal(0);
    clock.tick(1);
    expect(fired).to.equal(1);
    expect(clock.countTimers()).to.equal(0);
  });

  it('repeats an interval past the host limit at its full period, until cancelled from the callback', () => {
    clock = sinon.useFakeTimers();
    const period = 30 * DAY;
    const at: number[] = [];
    const timer = systemClock.setInterval(() => {
      at.push(Date.now());
      if (at.length === 3) timer.cancel();
    }, period);
    clock.tick(10 * period);
    expect(at).to.deep.equal([period, 2 * period, 3 * period]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('keeps ordinary delays on one host timer', () => {
    clock = sinon.useFakeTimers();
    let fired = 0;
    systemClock.setTimeout(() => fired++, MAX_TIMER_DELAY_MS);
    clock.tick(MAX_TIMER_DELAY_MS - 1);
    expect(fired).to.equal(0);
    clock.tick(1);
    expect(fired).to.equal(1);
    const interval = systemClock.setInterval(() => fired++, 10);
    clock.tick(30);
    interval.cancel();
    expect(fired).to.equal(4);
  });

  it('throws a RangeError for a negative or non-finite delay, before arming anything', () => {
    clock = sinon.useFakeTimers();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => systemClock.setTimeout(() => undefined, ms), String(ms)).to.throw(RangeError);
      expect(() => systemClock.setInterval(() => undefined, ms), String(ms)).to.throw(RangeError);
      expect(() => checkTimerDelay(ms)).to.throw(RangeError, /finite number of milliseconds >= 0/);
    }
    expect(clock.countTimers()).to.equal(0);
    expect(() => checkTimerDelay(0)).to.not.throw();
  });

  it('raises no TimeoutOverflowWarning on the real timers', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      let fired = false;
      const timer = systemClock.setTimeout(() => (fired = true), 3_000_000_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      timer.cancel();
      expect(fired).to.equal(false);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).to.not.include('TimeoutOverflowWarning');
  });
});
