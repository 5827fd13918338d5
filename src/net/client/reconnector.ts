import { Clock, Timer } from '../../core/clock';
import { Logger } from '../../core/logger';
import { ClientRuntime } from './client-config';
import { reconnectDelayMs } from './reconnect-backoff';

/** What a {@link Reconnector} works with. */
export interface ReconnectorOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The client's live settings, read afresh at every decision. */
  readonly runtime: Readonly<ClientRuntime>;
  /** `backoff`: `reconnect_wait x 2^min(n, 6)` +/-25 %; `fixed`: `reconnect_wait` each time (Python's TCP client). */
  readonly policy: 'backoff' | 'fixed';
  /** Source of the backoff jitter, uniform in [0, 1). */
  readonly random: () => number;
  /** Where the client connects, for the log lines (`host:port`, a URL). */
  readonly target: string;
  /** Starts a connect attempt; its outcome comes back as {@link Reconnector.failed} or {@link Reconnector.connected}. */
  readonly dial: () => void;
}

/**
 * When a client connects again, shared by every client (stream and WebSocket): it counts failed
 * attempts since the last success, waits before each new one (reading `reconnect_wait` live),
 * and gives up for good once `max_reconnect_tries` attempts failed in a row (`null`: never; 0:
 * no attempt at all, as in Python). A failed first connect is retried like a lost connection.
 * It writes the client's reconnect log lines.
 */
export class Reconnector {
  private timer: Timer | null = null;
  /** Failed attempts since the last successful connection; reset by a success. */
  private failedAttempts = 0;
  /** Whether the next connect is a reconnect (for the log lines), as opposed to the first one. */
  private reconnecting = false;
  private done = false;

  constructor(private readonly options: ReconnectorOptions) {}

  /** Whether it gave up (or was cancelled): no attempt follows. */
  get finished(): boolean {
    return this.done;
  }

  /** Makes the first attempt. */
  start(): void {
    this.options.dial();
  }

  /** The attempt under way connected. */
  connected(): void {
    const { logger, target } = this.options;
    if (this.reconnecting) logger.info(`reconnected after ${this.failedAttempts + 1} attempt(s)`);
    else logger.info(`client connected to ${target}`);
    this.failedAttempts = 0;
    this.reconnecting = false;
  }

  /** The attempt under way failed: the next one is scheduled, unless the tries are used up. */
  failed(error: Error): void {
    if (this.done) return;
    const { logger, target } = this.options;
    if (this.reconnecting) logger.warn(`reconnect failed: ${error.message}`);
    else logger.warn(`connect to ${target} failed: ${error.message}; retrying in the background`);
    this.failedAttempts += this.reconnecting ? 1 : 0;
    this.reconnecting = true;
    this.schedule();
  }

  /** The connection was lost: the next attempt is scheduled, unless the tries are used up. */
  lost(): void {
    if (this.done) return;
    this.reconnecting = true;
    this.schedule();
  }

  /** No attempt follows (the client stops). */
  cancel(): void {
    this.done = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    if (this.exhausted()) return;
    const { runtime, clock, logger } = this.options;
    // Read live: a reconnect_wait_secs change applies to the next wait.
    const delayMs =
      this.options.policy === 'fixed'
        ? runtime.reconnectWaitMs
        : reconnectDelayMs(runtime.reconnectWaitMs, this.failedAttempts, this.options.random);
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      // max_reconnect_tries may have been lowered during the wait.
      if (this.done || this.exhausted()) return;
      logger.info(
        `reconnect attempt ${this.failedAttempts + 1} (backoff ${(delayMs / 1000).toFixed(1)}s) ...`,
      );
      this.options.dial();
    }, delayMs);
  }

  /** Gives up (once, with an error log) when `max_reconnect_tries` attempts have failed. */
  private exhausted(): boolean {
    const max = this.options.runtime.maxReconnectTries;
    if (max === null || this.failedAttempts < max) return false;
    this.done = true;
    this.options.logger.error(
      max === 0
        ? 'connection lost and max_reconnect_tries is 0: not reconnecting'
        : `reconnection failed after ${this.failedAttempts} attempt(s), giving up`,
    );
    return true;
  }
}
