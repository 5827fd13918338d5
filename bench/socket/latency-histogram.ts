/**
 * A fixed-size latency histogram in whole microseconds (1 us buckets up to 100 ms, one
 * overflow bucket). Plain typed-array counting keeps recording free of allocation, and
 * histograms from several worker threads merge by adding their arrays.
 */
export const HISTOGRAM_BUCKETS = 100_001;

/** Creates an empty histogram. */
export function newHistogram(): Uint32Array {
  return new Uint32Array(HISTOGRAM_BUCKETS);
}

/** Counts one sample of `us` microseconds (negative values count as 0). */
export function recordLatency(histogram: Uint32Array, us: number): void {
  const bucket = us <= 0 ? 0 : us >= HISTOGRAM_BUCKETS - 1 ? HISTOGRAM_BUCKETS - 1 : us | 0;
  histogram[bucket]++;
}

/** Adds `from` into `into`. */
export function mergeHistogram(into: Uint32Array, from: Uint32Array): void {
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) into[i] += from[i];
}

/** Number of samples. */
export function histogramCount(histogram: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) n += histogram[i];
  return n;
}

/** The `p`-th percentile (0..100) in microseconds, or NaN without samples. */
export function percentile(histogram: Uint32Array, p: number): number {
  const total = histogramCount(histogram);
  if (total === 0) return NaN;
  const target = Math.min(total - 1, Math.floor((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    seen += histogram[i];
    if (seen > target) return i;
  }
  return HISTOGRAM_BUCKETS - 1;
}
