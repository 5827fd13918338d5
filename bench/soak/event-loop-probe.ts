/**
 * Preload module for the soak: `node -r dist/bench/soak/event-loop-probe.js dist/src/cli/main.js
 * run ...` measures the hub's own event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms
 * resolution, minus that resolution) and appends one JSON line per interval to the file named by the environment
 * variable RNS_BENCH_LOOP_PROBE_FILE: `{ t, p50Ms, p99Ms, maxMs, meanMs, rssKb, heapUsedKb }`.
 * The histogram is reset after each line, so every line covers one interval. It needs no change
 * to the node and does nothing when the variable is unset.
 *
 * `maxCpuMs` is the longest stretch of the loop measured in CPU time instead: the process CPU time
 * (all threads) between two ticks of a 2 ms timer, the largest of the interval. On a machine
 * shared with other work a turn's wall time stretches while its process waits for a core; its
 * CPU time does not, so this tells a long turn from a starved process.
 *
 * With `RNS_BENCH_LOOP_PROBE_GC_ON_SIGNAL=1` and the node started with `--expose-gc`, a SIGUSR2
 * runs a full garbage collection and appends one line with `gc: true` (memory only, the delay
 * fields 0): the memory benchmarks read the live heap and RSS that way at the moments they choose.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One line of the probe file. */
export interface LoopProbeSample {
  /** Unix time in milliseconds. */
  t: number;
  /** Event-loop delay percentiles and mean over the interval, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** The most process CPU time between two 2 ms ticks of the interval, ms (module comment). */
  maxCpuMs?: number;
  /** Resident set size and V8 heap in use at the end of the interval, in kB. */
  rssKb: number;
  heapUsedKb: number;
  /** A line written after a forced garbage collection (SIGUSR2), memory only. */
  gc?: boolean;
  /** On `gc` lines: memory of ArrayBuffers and Buffers (outside the V8 heap), kB. */
  arrayBuffersKb?: number;
  /** On `gc` lines: the V8 heap's committed size, kB. */
  heapTotalKb?: number;
}

const file = process.env.RNS_BENCH_LOOP_PROBE_FILE;
if (file) {
  const intervalMs = Number(process.env.RNS_BENCH_LOOP_PROBE_INTERVAL_MS ?? 1000);
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  // The histogram records the time between its timer's runs, so an idle loop reads about the
  // resolution; subtract it to report the delay itself.
  const delayMs = (ns: number): number => Math.max(0, ns / 1e6 - resolutionMs);
  let lastCpu = process.cpuUsage();
  let maxCpuUs = 0;
  const ticker = setInterval(() => {
    const cpu = process.cpuUsage();
    maxCpuUs = Math.max(maxCpuUs, cpu.user - lastCpu.user + cpu.system - lastCpu.system);
    lastCpu = cpu;
  }, 2);
  ticker.unref();
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const sample: LoopProbeSample = {
      t: Date.now(),
      p50Ms: delayMs(histogram.percentile(50)),
      p99Ms: delayMs(histogram.percentile(99)),
      maxMs: delayMs(histogram.max),
      meanMs: delayMs(histogram.mean),
      maxCpuMs: maxCpuUs / 1000,
      rssKb: Math.round(memory.rss / 1024),
      heapUsedKb: Math.round(memory.heapUsed / 1024),
    };
    histogram.reset();
    maxCpuUs = 0;
    try {
      appendFileSync(file, `${JSON.stringify(sample)}\n`);
    } catch {
      // The soak may have removed its temp dir already; the probe must never hurt the node.
    }
  }, intervalMs);
  // The probe must not keep the node alive after it shuts down.
  timer.unref();

  const gc = (globalThis as { gc?: () => void }).gc;
  if (process.env.RNS_BENCH_LOOP_PROBE_GC_ON_SIGNAL === '1' && gc !== undefined) {
    process.on('SIGUSR2', () => {
      gc();
      const memory = process.memoryUsage();
      const sample: LoopProbeSample = {
        t: Date.now(),
        p50Ms: 0,
        p99Ms: 0,
        maxMs: 0,
        meanMs: 0,
        rssKb: Math.round(memory.rss / 1024),
        heapUsedKb: Math.round(memory.heapUsed / 1024),
        gc: true,
        arrayBuffersKb: Math.round(memory.arrayBuffers / 1024),
        heapTotalKb: Math.round(memory.heapTotal / 1024),
      };
      try {
        appendFileSync(file, `${JSON.stringify(sample)}\n`);
      } catch {
        // As above: never hurt the node.
      }
    });
  }
}
