import { performance } from 'node:perf_hooks';

/** What a reader reads from: a socket, or a WebSocket (whose pause also holds parsed messages). */
export interface PausableStream {
  pause(): unknown;
  resume(): unknown;
}

/** Milliseconds of socket reads one event-loop turn may run before readers pause. */
export const DEFAULT_READ_TURN_MS = 10;

/**
 * The time one event-loop turn may spend handling socket reads, shared by the readers of the
 * process (the event loop is the process's, not a listener's).
 *
 * Why: libuv reads a busy stream up to 32 times (2 MiB) in one go and serves every ready socket
 * in the same poll phase, so a flood from a few peers (announces to check and route, say) could
 * hold the loop for a long stretch while timers, other peers and the control socket wait. A
 * reader whose read ends past the budget pauses its socket; the turn's check phase
 * (`setImmediate`) resumes every paused reader, so reading goes on after the rest of the loop had
 * its turn. Nothing is lost: a paused socket keeps its bytes in the kernel.
 *
 * The turn's clock starts at its first read, so the budget never pauses a turn that handled one
 * read, however large: a node relaying at a steady rate reads a chunk a turn and never pauses.
 * A stream closed meanwhile is resumed all the same: both calls are no-ops on a closed stream.
 */
export class ReadTurn {
  /** One instance for the process, used where none is injected. */
  static readonly process = new ReadTurn();

  private startedAt = -1;
  private paused: PausableStream[] = [];
  private pausedCount = 0;

  constructor(
    /** The turn's budget in ms. */
    readonly budgetMs: number = DEFAULT_READ_TURN_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Call after handling a read from `stream`: once this turn's reads have used up the budget, it
   * pauses `stream` until the turn ends.
   */
  afterRead(stream: PausableStream): void {
    if (!this.spent()) return;
    this.pausedCount++;
    stream.pause();
    this.paused.push(stream);
  }

  /** Whether this turn's reads have used up the budget (the first call starts the turn's clock). */
  private spent(): boolean {
    const now = this.now();
    if (this.startedAt < 0) {
      this.startedAt = now;
      setImmediate(this.endTurn);
      return false;
    }
    return now - this.startedAt > this.budgetMs;
  }

  /** Readers paused so far (each pause counts once). */
  get pauses(): number {
    return this.pausedCount;
  }

  private readonly endTurn = (): void => {
    this.startedAt = -1;
    const paused = this.paused;
    if (paused.length === 0) return;
    this.paused = [];
    for (const stream of paused) stream.resume();
  };
}
