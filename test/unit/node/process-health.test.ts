import { expect } from 'chai';
import { LoopDelayHistogram, ProcessHealth } from '../../../src/node/process-health';

/** A histogram with fixed percentiles (ms), as monitorEventLoopDelay records them: in ns. */
function fixedHistogram(ms: {
  p50: number;
  p99: number;
  max: number;
}): LoopDelayHistogram & { resets: number } {
  const ns = (value: number): number => value * 1e6;
  return {
    count: 100,
    max: ns(ms.max),
    percentile: (p: number) => ns(p <= 50 ? ms.p50 : ms.p99),
    resets: 0,
    reset() {
      this.resets += 1;
    },
    disable: () => true,
  };
}

describe('ProcessHealth', () => {
  it('reports the delay beyond the sampling interval, not the interval itself', () => {
    // What an idle loop records at a 20 ms resolution: the 20 ms between samples, plus a little.
    const histogram = fixedHistogram({ p50: 20.3, p99: 21.5, max: 45 });
    const health = new ProcessHealth(20, histogram);
    const { eventLoopDelayMs } = health.snapshot();
    expect(eventLoopDelayMs).to.deep.equal({ p50: 0.3, p99: 1.5, max: 25 });
    expect(histogram.resets).to.equal(1);
  });

  it('never reports a negative delay (a sample that came early)', () => {
    const health = new ProcessHealth(10, fixedHistogram({ p50: 9.2, p99: 10.1, max: 10.4 }));
    expect(health.snapshot().eventLoopDelayMs).to.deep.equal({ p50: 0, p99: 0.1, max: 0.4 });
  });

  it('reports memory and the event-loop delay of the interval since the last snapshot', async () => {
    const health = new ProcessHealth(1);
    try {
      // Block the loop once so the first interval has a delay to report (bounded: 30 ms).
      await new Promise((resolve) => setTimeout(resolve, 5));
      const until = Date.now() + 30;
      while (Date.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const first = health.snapshot();
      expect(first.rssBytes).to.be.greaterThan(first.heapUsedBytes);
      expect(first.eventLoopDelayMs.max).to.be.at.least(20);
      expect(first.eventLoopDelayMs.p99).to.be.at.most(first.eventLoopDelayMs.max);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const second = health.snapshot();
      expect(second.eventLoopDelayMs.max).to.be.below(first.eventLoopDelayMs.max, 'a new interval');
    } finally {
      health.stop();
    }
  });
});
