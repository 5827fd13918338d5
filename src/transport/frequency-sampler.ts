import { FREQ_DECAY_MS, FREQ_SAMPLES } from './constants';

/**
 * An event frequency estimate as Python's interfaces keep them (`ia_freq_deque` and friends): the
 * times of the last 48 events; the frequency is their count over the time since the oldest. Each
 * read drops the oldest sample once it is over 10 s old, so a burst fades one sample per read.
 */
export class FrequencySampler {
  private readonly times = new Float64Array(FREQ_SAMPLES);
  private head = 0;
  private count = 0;

  /**
   * @param minSamples - the estimate is 0 until more than this many samples are held (2 for
   *   incoming announces and path requests, 1 for outgoing ones, as in Python).
   */
  constructor(private readonly minSamples: number) {}

  /** Samples held. */
  get size(): number {
    return this.count;
  }

  /** Records one event at `now` (ms). */
  record(now: number): void {
    const tail = (this.head + this.count) % FREQ_SAMPLES;
    this.times[tail] = now;
    if (this.count < FREQ_SAMPLES) this.count++;
    else this.head = (this.head + 1) % FREQ_SAMPLES;
  }

  /** Events per second at `now` (ms); may drop the oldest sample (see the class comment). */
  frequency(now: number): number {
    const n = this.count;
    if (n <= this.minSamples) return 0;
    const span = now - this.times[this.head];
    if (span > FREQ_DECAY_MS) {
      this.head = (this.head + 1) % FREQ_SAMPLES;
      this.count--;
    }
    if (span <= 0) return 0;
    return (n * 1000) / span;
  }
}
