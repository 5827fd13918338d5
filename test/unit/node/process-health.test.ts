import { expect } from 'chai';
import { ProcessHealth } from '../../../src/node/process-health';

describe('ProcessHealth', () => {
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
