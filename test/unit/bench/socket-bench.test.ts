import { expect } from 'chai';
import { runSocketBench } from '../../../bench/socket/socket-bench';

describe('socket bench (against the baseline hub)', function () {
  this.timeout(60_000);

  it('relays 1 -> 9 without loss and measures latency, bounded in time', async () => {
    const results = await runSocketBench({
      hub: 'baseline',
      modes: ['relay', 'latency', 'conns'],
      durationMs: 300,
      maxFramesPerSender: 20_000,
      latencyRate: 2000,
      connections: 50,
    });
    const byName = new Map(results.map((r) => [r.name, r]));
    const relay = byName.get('socket relay 1->9 [baseline]');
    expect(relay?.value).to.be.greaterThan(1000);
    // Every frame reaches all 9 receivers: delivered equals expected exactly.
    const counts = /([\d,]+)\/([\d,]+) delivered/.exec(relay?.detail ?? '');
    expect(counts, relay?.detail).to.not.equal(null);
    expect(counts?.[1]).to.equal(counts?.[2]);
    expect(counts?.[2]).to.not.equal('0');
    const p50 = byName.get('socket latency p50 at 2,000 f/s ->9 [baseline]');
    const p99 = byName.get('socket latency p99 at 2,000 f/s ->9 [baseline]');
    expect(p50?.value).to.be.within(1, 100_000);
    expect(p99?.value).to.be.at.least(p50?.value ?? Infinity);
    const burst = byName.get('socket connect burst 50 [baseline]');
    expect(burst?.value).to.be.within(0, 20);
    expect(burst?.detail).to.contain('50 connected');
    expect(byName.get('socket idle peers 50 [baseline]')?.unit).to.equal('MB RSS / 1k peers');
  });
});
