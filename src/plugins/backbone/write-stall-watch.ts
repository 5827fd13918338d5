import { Clock, Timer } from '../../core/clock';

/** What a {@link WriteStallWatch} watches: the socket's queue of bytes not yet taken by the kernel. */
export interface WriteQueue {
  readonly writableLength: number;
}

/**
 * The write-stall timer of one connection (a server's peer or a client), shared so both sides
 * mean the same thing by a stall: while the socket holds unwritten bytes a timer runs on the
 * injected clock; each completed socket write counts as progress; a connection that makes no
 * progress for the timeout (read live, 0 = off) is reported once through `onStall`.
 * `socket.setTimeout` cannot serve here: our own writes would reset it.
 */
export class WriteStallWatch {
  private timer: Timer | null = null;
  /** Clock ms of the last progress while bytes were queued. */
  private lastProgressAt = 0;
  private stopped = false;

  /**
   * @param queue - the socket.
   * @param clock - drives the timer.
   * @param timeoutMs - the live write-stall timeout, read at every decision; 0 = off.
   * @param onStall - called once when the timeout expires without progress.
   */
  constructor(
    private readonly queue: WriteQueue,
    private readonly clock: Clock,
    private readonly timeoutMs: () => number,
    private readonly onStall: (timeoutMs: number) => void,
  ) {}

  /**
   * Call just before handing bytes to the socket: an idle socket starts the stall clock now;
   * behind queued bytes it keeps counting.
   */
  beforeWrite(): void {
    if (this.queue.writableLength === 0) this.lastProgressAt = this.clock.now();
  }

  /** Call right after handing bytes to the socket: runs the timer if they had to queue. */
  afterWrite(): void {
    if (this.queue.writableLength > 0) this.arm();
  }

  /** Pass as the socket write callback: a completed write means the remote took bytes. */
  readonly written = (error?: Error | null): void => {
    if (this.stopped || error) return;
    this.lastProgressAt = this.clock.now();
    if (this.queue.writableLength === 0) this.cancel();
  };

  /** Call when the timeout changed: re-arms, counting from the last progress. */
  timeoutChanged(): void {
    this.cancel();
    this.arm();
  }

  /** Stops watching for good (the connection is closing). */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private arm(): void {
    if (this.timer !== null || this.stopped) return;
    const stallMs = this.timeoutMs();
    if (stallMs <= 0 || this.queue.writableLength === 0) return;
    const remaining = this.lastProgressAt + stallMs - this.clock.now();
    this.timer = this.clock.setTimeout(this.check, Math.max(0, remaining));
  }

  private cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private readonly check = (): void => {
    this.timer = null;
    if (this.stopped || this.queue.writableLength === 0) return;
    const stallMs = this.timeoutMs();
    if (stallMs <= 0) return;
    if (this.clock.now() - this.lastProgressAt < stallMs) {
      this.arm();
      return;
    }
    this.stop();
    this.onStall(stallMs);
  };
}
