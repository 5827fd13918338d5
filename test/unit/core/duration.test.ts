import { expect } from 'chai';
import { MAX_TIMER_DELAY_MS } from '../../../src/core/clock';
import { durationProblem, MAX_DURATION_SECS } from '../../../src/core/duration';

describe('durationProblem', () => {
  it('accepts 0 up to the longest timer, 2147483.647 s', () => {
    expect(MAX_DURATION_SECS * 1000).to.equal(MAX_TIMER_DELAY_MS);
    for (const secs of [0, 0.001, 1, 86_400, MAX_DURATION_SECS]) {
      expect(durationProblem(secs), String(secs)).to.equal(undefined);
    }
  });

  it('refuses what a timer cannot wait for, and what is not a number of seconds', () => {
    for (const secs of [2_147_483.648, 3_000_000, 1e308]) {
      expect(durationProblem(secs), String(secs)).to.equal(
        'must be <= 2147483.647 (about 24.8 days, the longest timer)',
      );
    }
    expect(durationProblem(Number.POSITIVE_INFINITY)).to.equal('must be a finite number');
    expect(durationProblem(Number.NaN)).to.equal('must be a finite number');
    expect(durationProblem(-0.5)).to.equal('must be >= 0');
  });

  it('applies a floor, and measures minutes in minutes', () => {
    expect(durationProblem(0, { min: 1 })).to.equal('must be >= 1');
    expect(durationProblem(0.999, { min: 1 })).to.equal('must be >= 1');
    expect(durationProblem(1, { min: 1 })).to.equal(undefined);
    expect(durationProblem(35_791.394, { unit: 'minutes' })).to.equal(undefined);
    expect(durationProblem(35_791.395, { unit: 'minutes' })).to.equal(
      'must be <= 35791.394 (about 24.8 days, the longest timer)',
    );
  });
});
