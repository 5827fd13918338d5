import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

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

/**
 * Samples the process: memory on demand, and event-loop delay with Node's built-in histogram
 * (a native timer every `resolutionMs`, no work on the packet path).
 */
export class ProcessHealth {
  private readonly histogram: IntervalHistogram;

  constructor(resolutionMs = 20) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  /** Memory now and the event-loop delay since the last snapshot; starts a new interval. */
  snapshot(): ProcessHealthStatus {
    const memory = process.memoryUsage();
    const ms = (ns: number): number => Math.round((ns / 1e6) * 1000) / 1000;
    const h = this.histogram;
    const status = {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopDelayMs:
        h.count > 0
          ? { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) }
          : { p50: 0, p99: 0, max: 0 },
    };
    h.reset();
    return status;
  }

  /** Stops sampling. */
  stop(): void {
    this.histogram.disable();
  }
}
