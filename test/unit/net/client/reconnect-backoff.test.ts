import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_TIMER_DELAY_MS } from '../../../../src/core/clock';
import { MAX_BACKOFF_SHIFT, reconnectDelayMs } from '../../../../src/net/client/reconnect-backoff';

describe('reconnectDelayMs', () => {
  it('doubles per attempt and caps the multiplier at 2^6 (5 s base: 5, 10, ... 320 s)', () => {
    const middle = (): number => 0.5; // factor exactly 1.0
    const delays = Array.from({ length: 10 }, (_, attempt) => reconnectDelayMs(5000, attempt, middle));
    expect(delays).to.deep.equal([5000, 10000, 20000, 40000, 80000, 160000, 320000, 320000, 320000, 320000]);
    expect(MAX_BACKOFF_SHIFT).to.equal(6);
  });

  it('jitters within [0.75, 1.25) of the backoff', () => {
    expect(reconnectDelayMs(1000, 0, () => 0)).to.equal(750);
    expect(reconnectDelayMs(1000, 2, () => 0)).to.equal(3000);
    expect(reconnectDelayMs(1000, 0, () => 0.999)).to.be.closeTo(1249.5, 1e-9);
    // The top of the range is open; only float rounding of a draw a hair below 1 can reach it.
    expect(reconnectDelayMs(1000, 0, () => 1 - Number.EPSILON)).to.be.at.most(1250);
  });

  it('stays within the jitter bounds for any base, attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (base, attempt, r) => {
          const backoff = base * 2 ** Math.min(attempt, 6);
          const delay = reconnectDelayMs(base, attempt, () => r);
          expect(delay).to.be.at.least(0.75 * backoff);
          if (backoff > 0) expect(delay).to.be.below(1.25 * backoff);
          else expect(delay).to.equal(0);
        },
      ),
    );
  });

  it('gives no delay for a zero wait, and treats a negative attempt as the first', () => {
    expect(reconnectDelayMs(0, 3, () => 0.9)).to.equal(0);
    expect(reconnectDelayMs(100, -1, () => 0.5)).to.equal(100);
  });

  it('never passes the longest timer, however long the configured wait', () => {
    expect(reconnectDelayMs(MAX_TIMER_DELAY_MS, 6, () => 0.9)).to.equal(MAX_TIMER_DELAY_MS);
    expect(reconnectDelayMs(3_000_000_000, 0, () => 0.5)).to.equal(MAX_TIMER_DELAY_MS);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_TIMER_DELAY_MS }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (base, attempt, r) => {
          const delay = reconnectDelayMs(base, attempt, () => r);
          expect(delay).to.be.at.most(MAX_TIMER_DELAY_MS);
          expect(delay).to.be.at.least(Math.min(0.75 * base * 2 ** Math.min(attempt, 6), MAX_TIMER_DELAY_MS));
        },
      ),
    );
  });
});
