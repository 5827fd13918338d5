import { Clock, Timer } from '../core/clock';

/** What a {@link WriteStallWatch} watches: the socket's queue of bytes not yet taken by the kernel. */
export interface WriteQueue {
  readonly writableLength: number;
}

/**
 * Bytes of the socket's write in flight that libuv has not yet handed to the kernel, or
 * undefined where the socket does not say. Node keeps `writeQueueSize` on the socket's handle up
 * to date as partial writes go through, and its own socket timeout reads it the same way to tell
 * a slow write from a stalled one. A completed write shows through the write callback instead.
 */
function unsentInFlight(queue: WriteQueue): number | undefined {
  const size = (queue as { _handle?: { writeQueueSize?: unknown } | null })._handle?.writeQueueSize;
  return typeof size === 'number' ? size : undefined;
}

/** Progress is sampled this many times per timeout, so a stall is reported within a quarter of it. */
const SAMPLES_PER_TIMEOUT = 4;

/**
 * The write-stall timer of one connection (a server's peer or a client), shared so both sides
 * mean the same thing by a stall: while the socket holds unwritten bytes a timer runs on the
 * injected clock; a connection that makes no progress for the timeout (read live, 0 = off) is
 * reported once through `onStall`.
 *
 * Progress is any byte the kernel took: a completed socket write, or, during one large write,
 * a drop in the bytes it has left (sampled a few times per timeout). So a peer that drains a
 * multi-megabyte write slowly but steadily is not mistaken for a stalled one. Time this process
 * was too busy to run the timer on time does not count against the peer: while our event loop
 * stood still, libuv could not hand the kernel more bytes, so no peer could show progress.
 * `socket.setTimeout` cannot serve here: our own writes would reset it.
 */
export class WriteStallWatch {
  private timer: Timer | null = null;
  /** Clock ms of the last progress while bytes were queued. */
  private lastProgressAt = 0;
  /** {@link unsentInFlight} at the last progress or sample. */
  private lastUnsent: number | undefined = undefined;
  /** Whether the socket had nothing queued when {@link beforeWrite} was last called. */
  private wasIdle = false;
  /** Clock ms the pending timer is due. */
  private dueAt = 0;
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
    this.wasIdle = this.queue.writableLength === 0;
  }

  /** Call right after handing bytes to the socket: runs the timer if they had to queue. */
  afterWrite(): void {
    // Most writes into an idle socket complete at once; only one that queues needs the clock read
    // and its baseline (a new write in flight: what it has left).
    if (this.queue.writableLength === 0) return;
    if (this.wasIdle) this.progress();
    this.arm();
  }

  /** Pass as the socket write callback: a completed write means the remote took bytes. */
  readonly written = (error?: Error | null): void => {
    if (this.stopped || error) return;
    // Nothing left queued: no timer to feed (the next queued write takes a fresh baseline).
    if (this.queue.writableLength === 0) this.cancel();
    else this.progress();
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

  private progress(): void {
    this.lastProgressAt = this.clock.now();
    this.lastUnsent = unsentInFlight(this.queue);
  }

  private arm(): void {
    if (this.timer !== null || this.stopped) return;
    const stallMs = this.timeoutMs();
    if (stallMs <= 0 || this.queue.writableLength === 0) return;
    const now = this.clock.now();
    const remaining = Math.max(0, this.lastProgressAt + stallMs - now);
    const delay = Math.min(remaining, Math.ceil(stallMs / SAMPLES_PER_TIMEOUT));
    this.dueAt = now + delay;
    this.timer = this.clock.setTimeout(this.check, delay);
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
    const late = this.clock.now() - this.dueAt;
    if (late > 0) this.lastProgressAt += late;
    const unsent = unsentInFlight(this.queue);
    if (unsent !== this.lastUnsent) this.progress();
    if (this.clock.now() - this.lastProgressAt < stallMs) {
      this.arm();
      return;
    }
    this.stop();
    this.onStall(stallMs);
  };
}
