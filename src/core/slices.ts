/** Awaited between slices of a long job, so it does not hold up the event loop (one turn: a zero timer). */
export type Pause = () => Promise<void>;

/** Most milliseconds a slice runs before it pauses, whatever its entry count allows. */
export const SLICE_MS = 8;

/** Entries between two looks at the clock: reading it costs more than a cheap entry. */
const CLOCK_EVERY = 32;

/**
 * Cuts a long job over many entries (encoding or decoding a table of 100,000) into slices: a
 * slice ends after `entries` entries or after `ms` milliseconds, whichever comes first, so a slice
 * stays short on a slow or loaded machine too. The job calls {@link step} once per entry and
 * awaits {@link pause} when it says the slice is spent.
 */
export class SliceBudget {
  private count = 0;
  private started: number;

  constructor(
    private readonly pauseFn: Pause,
    private readonly clock: { now(): number },
    private readonly entries: number,
    private readonly ms: number = SLICE_MS,
  ) {
    this.started = clock.now();
  }

  /** Counts one entry; true when the slice is spent and the job should await {@link pause}. */
  step(): boolean {
    const count = ++this.count;
    if (count >= this.entries) return true;
    return count % CLOCK_EVERY === 0 && this.clock.now() - this.started >= this.ms;
  }

  /** Yields one event-loop turn and starts a new slice. */
  async pause(): Promise<void> {
    await this.pauseFn();
    this.count = 0;
    this.started = this.clock.now();
  }
}

/**
 * A job written as a generator that yields once per entry, run to its end at once (small
 * inputs, tests).
 */
export function runAtOnce<T>(job: Generator<void, T>): T {
  for (;;) {
    const next = job.next();
    if (next.done === true) return next.value;
  }
}

/** A job written as a generator that yields once per entry, run in the slices of `budget`. */
export async function runInSlices<T>(job: Generator<void, T>, budget: SliceBudget): Promise<T> {
  for (;;) {
    const next = job.next();
    if (next.done === true) return next.value;
    if (budget.step()) await budget.pause();
  }
}
