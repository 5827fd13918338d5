/** Awaited between slices of a long job, so it does not hold up the event loop (one turn: a zero timer). */
export type Pause = () => Promise<void>;

/** Most milliseconds a slice runs before it pauses, whatever its entry count allows. */
export const SLICE_MS = 8;

/** Entries between two looks at the clock: reading it costs more than a cheap entry. */
const CLOCK_EVERY = 32;

/**
 * The budget of one slice of work that a timer resumes on a later event-loop turn: a slice ends
 * after `entries` entries or after `ms` milliseconds, whichever comes first, so a slice stays
 * short on a slow or loaded machine too. The work calls {@link step} per entry (with a weight
 * when entries differ in cost) and stops when it says the slice is spent.
 */
export class TurnBudget {
  private count = 0;
  private started: number;

  /**
   * @param clockEvery entries between two looks at the clock: reading it costs more than a
   *   cheap entry; 1 for entries that cost more than a clock read (a signature check)
   */
  constructor(
    private readonly clock: { now(): number },
    private readonly entries: number,
    private readonly ms: number = SLICE_MS,
    private readonly clockEvery: number = CLOCK_EVERY,
  ) {
    this.started = clock.now();
  }

  /** Counts an entry of `weight`; true when the slice is spent. */
  step(weight = 1): boolean {
    const before = this.count;
    const count = (this.count += weight);
    if (count >= this.entries) return true;
    const every = this.clockEvery;
    if (Math.floor(count / every) === Math.floor(before / every)) return false;
    return this.clock.now() - this.started >= this.ms;
  }

  /** Starts a new slice. */
  restart(): void {
    this.count = 0;
    this.started = this.clock.now();
  }
}

/**
 * Cuts a long job over many entries (encoding or decoding a table of 100,000) into slices of a
 * {@link TurnBudget}. The job calls {@link step} once per entry and awaits {@link pause} when it
 * says the slice is spent.
 */
export class SliceBudget extends TurnBudget {
  constructor(
    private readonly pauseFn: Pause,
    clock: { now(): number },
    entries: number,
    ms: number = SLICE_MS,
  ) {
    super(clock, entries, ms);
  }

  /** Yields one event-loop turn and starts a new slice. */
  async pause(): Promise<void> {
    await this.pauseFn();
    this.restart();
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
