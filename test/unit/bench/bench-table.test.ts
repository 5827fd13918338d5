import { expect } from 'chai';
import { formatTable, meets, targetFor } from '../../../bench/run';

describe('bench table', () => {
  it('applies the issue 6 targets to the node rows only', () => {
    expect(targetFor('decode push() 64 KiB chunks of 500 B frames')).to.deep.equal({ op: '>=', value: 2000 });
    expect(targetFor('encode frame() 500 B packets')).to.deep.equal({ op: '>=', value: 1500 });
    expect(targetFor('socket relay 1->9 [node]')).to.deep.equal({ op: '>=', value: 1_000_000 });
    expect(targetFor('socket relay 1->9 [baseline]')).to.equal(null);
    expect(targetFor('socket latency p99 at 10,000 f/s ->9 [node]')).to.deep.equal({ op: '<', value: 1000 });
    expect(targetFor('socket all-to-all 10 peers [node]')).to.deep.equal({ op: '<=', value: 0 });
  });

  it('judges targets, treating missing figures as missed', () => {
    expect(meets(2000, { op: '>=', value: 2000 })).to.be.true;
    expect(meets(999, { op: '<', value: 1000 })).to.be.true;
    expect(meets(1000, { op: '<', value: 1000 })).to.be.false;
    expect(meets(0.1, { op: '<=', value: 0 })).to.be.false;
    expect(meets(NaN, { op: '<=', value: 3 })).to.be.false;
  });

  it('prints aligned rows with the target and its verdict', () => {
    const text = formatTable([
      { name: 'a', value: 1234567, unit: 'ops/s', target: { op: '>=', value: 1000 }, detail: 'x' },
      { name: 'longer name', value: 2.5, unit: 'MB', target: { op: '<=', value: 2 }, detail: '' },
    ]);
    const lines = text.split('\n');
    expect(lines).to.have.length(4);
    expect(lines[2]).to.match(/^a\s+1,234,567 {2}ops\/s {2}>= 1,000 {2}met/);
    expect(lines[3]).to.match(/^longer name\s+2\.5 {2}MB\s+<= 2\s+MISSED/);
  });
});
