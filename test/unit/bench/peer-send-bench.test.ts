import { expect } from 'chai';
import { runPeerSendBench } from '../../../bench/peer-send-bench';

describe('backbone peer send bench (smoke)', () => {
  it('measures deliveries within its time bound', async () => {
    const started = Date.now();
    const result = await runPeerSendBench({ timeMs: 20 });
    expect(result.name).to.include('backbone peer send');
    expect(result.opsPerSec).to.be.greaterThan(0);
    expect(Date.now() - started).to.be.lessThan(5_000);
  });
});
