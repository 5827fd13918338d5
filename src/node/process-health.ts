import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The node process's health as `status` reports it. */
export interface ProcessHealthStatus {
  /** Resident set size. */
  readonly rssBytes: number;
  /** V8 heap in use. */
  readonly heapUsedBytes: number;
  /**
   * Event-loop delay since the previous status request (or since start): how late timers and
   * socket callbacks ran. A relay whose loop is delayed delays every packet by as much.
   */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** What {@link ProcessHealth} reads of Node's event-loop delay histogram (values in ns). */
export interface LoopDelayHistogram {
  readonly count: number;
  readonly max: number;
  percentile(percentile: number): number;
  reset(): void;
  disable(): boolean;
}

/** The default sampling interval of the event-loop delay, in ms (Node's own default). */
export const DEFAULT_LOOP_DELAY_RESOLUTION_MS = 10;

/**
 * Samples the process: memory on demand, and event-loop delay with Node's built-in histogram
 * (a native timer every `resolutionMs`, no work on the packet path).
 *
 * The histogram records the time between two runs of that timer, so an idle loop reads as the
 * resolution itself (about 10 ms at 10 ms); the delay is what exceeds it. Every figure has the
 * resolution subtracted (never below 0): an idle node reports well under a millisecond.
 */
export class ProcessHealth {
  private readonly histogram: LoopDelayHistogram;

  /**
   * @param resolutionMs - the sampling interval.
   * @param histogram - where samples are read (default: a started `monitorEventLoopDelay`).
   */
  constructor(
    private readonly resolutionMs = DEFAULT_LOOP_DELAY_RESOLUTION_MS,
    histogram?: LoopDelayHistogram,
  ) {
    if (histogram === undefined) {
      const monitor = monitorEventLoopDelay({ resolution: resolutionMs });
      monitor.enable();
      this.histogram = monitor;
    } else {
      this.histogram = histogram;
    }
  }

  /** Memory now and the event-loop delay since the last snapshot; starts a new interval. */
  snapshot(): ProcessHealthStatus {
    const memory = process.memoryUsage();
    return { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, eventLoopDelayMs: this.loopDelay() };
  }

  /** The event-loop delay since the last reading (corrected, in ms); starts a new interval. */
  loopDelay(): ProcessHealthStatus['eventLoopDelayMs'] {
    const h = this.histogram;
    const delay = (ns: number): number => {
      const ms = Math.max(0, ns / 1e6 - this.resolutionMs);
      return Math.round(ms * 1000) / 1000;
    };
    const result =
      h.count > 0
        ? { p50: delay(h.percentile(50)), p99: delay(h.percentile(99)), max: delay(h.max) }
        : { p50: 0, p99: 0, max: 0 };
    h.reset();
    return result;
  }

  /** Stops sampling. */
  stop(): void {
    this.histogram.disable();
  }
}
