import { expect } from 'chai';
import { SliceBudget, TurnBudget, runAtOnce, runInSlices } from '../../../src/core/slices';

function* counting(n: number, seen: number[]): Generator<void, number> {
  for (let i = 0; i < n; i++) {
    seen.push(i);
    yield;
  }
  return n;
}

describe('core: slices', () => {
  it('a slice ends after its entry count, and each pause starts a new one', async () => {
    let pauses = 0;
    const budget = new SliceBudget(
      () => {
        pauses++;
        return Promise.resolve();
      },
      { now: () => 0 },
      10,
    );
    const seen: number[] = [];
    expect(await runInSlices(counting(35, seen), budget)).to.equal(35);
    expect(seen).to.have.length(35);
    expect(pauses).to.equal(3);
  });

  it('a slice ends once its time is spent, however few entries it has done', async () => {
    let ms = 0;
    let pauses = 0;
    // Every entry takes 1 ms of clock: a slice of 8 ms holds about 8 entries, not 10,000.
    const budget = new SliceBudget(
      () => {
        pauses++;
        return Promise.resolve();
      },
      { now: () => ms },
      10_000,
      8,
    );
    function* slow(): Generator<void, void> {
      for (let i = 0; i < 320; i++) {
        ms += 1;
        yield;
      }
    }
    await runInSlices(slow(), budget);
    // The clock is read every 32 entries: the slices end at 32 entries, 10 of them.
    expect(pauses).to.equal(10);
  });

  it('runs a job at once without pausing', () => {
    const seen: number[] = [];
    expect(runAtOnce(counting(5, seen))).to.equal(5);
    expect(seen).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('a turn budget weighs entries, and reads the clock as often as it is told', () => {
    let reads = 0;
    const clock = { now: () => reads++ };
    const byWeight = new TurnBudget(clock, 10, 1_000_000, 1_000_000);
    expect([byWeight.step(4), byWeight.step(4), byWeight.step(4)]).to.deep.equal([false, false, true]);
    byWeight.restart();
    expect(byWeight.step(9)).to.equal(false);
    reads = 0;
    // Read after every entry: the fourth read finds 3 ms gone.
    const everyEntry = new TurnBudget(clock, 1000, 3, 1);
    const steps = [everyEntry.step(), everyEntry.step(), everyEntry.step()];
    expect(steps).to.deep.equal([false, false, true]);
    expect(reads).to.equal(4);
  });
});
