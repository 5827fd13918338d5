import { expect } from 'chai';
import { runRelayBench } from '../../../../bench/relay-bench';

describe('relay bench (smoke)', () => {
  it('measures every case within its time bound', async () => {
    const started = Date.now();
    const results = await runRelayBench({ timeMs: 20 });
    expect(results.map((r) => r.name)).to.have.length(4);
    for (const r of results) expect(r.opsPerSec, r.name).to.be.greaterThan(0);
    // Four cases of 20 ms plus warm-up; generous for a loaded machine, but not unbounded.
    expect(Date.now() - started).to.be.lessThan(5_000);
  });
});
