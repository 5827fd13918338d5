import { expect } from 'chai';
import {
  HISTOGRAM_BUCKETS,
  histogramCount,
  mergeHistogram,
  newHistogram,
  percentile,
  recordLatency,
} from '../../../bench/socket/latency-histogram';

describe('latency histogram', () => {
  it('gives percentiles in microseconds', () => {
    const h = newHistogram();
    for (let us = 1; us <= 100; us++) recordLatency(h, us);
    expect(histogramCount(h)).to.equal(100);
    expect(percentile(h, 50)).to.equal(51);
    expect(percentile(h, 99)).to.equal(100);
    expect(percentile(h, 0)).to.equal(1);
  });

  it('clamps negative and huge samples and merges', () => {
    const a = newHistogram();
    const b = newHistogram();
    recordLatency(a, -5);
    recordLatency(b, 1e9);
    mergeHistogram(a, b);
    expect(percentile(a, 0)).to.equal(0);
    expect(percentile(a, 100)).to.equal(HISTOGRAM_BUCKETS - 1);
  });

  it('has no percentile without samples', () => {
    expect(percentile(newHistogram(), 50)).to.be.NaN;
  });
});
