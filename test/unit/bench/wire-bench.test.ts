import { expect } from 'chai';
import { targetFor } from '../../../bench/run';
import { runWireBench } from '../../../bench/wire-bench';

describe('wire bench (smoke)', () => {
  it('measures every case within its time bound, with the targets the wire layer must meet', function () {
    this.timeout(20_000);
    const started = Date.now();
    const results = runWireBench({ timeMs: 20 });
    expect(results.map((r) => r.name)).to.deep.equal([
      'wire header parse (500 B)',
      'wire parse+hash / bare hash',
      'wire announce validation',
      'wire IFAC verify-and-strip (500 B)',
      'wire IFAC verify-and-strip (8 KiB)',
    ]);
    for (const r of results) expect(Number.isFinite(r.value) && r.value > 0, r.name).to.equal(true);
    expect(Date.now() - started).to.be.lessThan(15_000);
    expect(targetFor('wire header parse (500 B)')).to.deep.equal({ op: '>=', value: 2_000_000 });
    expect(targetFor('wire parse+hash / bare hash')).to.deep.equal({ op: '>=', value: 0.8 });
    expect(targetFor('wire announce validation')).to.deep.equal({ op: '>=', value: 5000 });
    expect(targetFor('wire IFAC verify-and-strip (8 KiB)')).to.equal(null);
  });
});
