import { Logger } from '../../core/logger';

/** Where signals come from: the process, or a stand-in in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** The signals that ask the node to stop. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * The signals of `rns-net run`, handled from before the node starts until it has stopped, so no
 * signal ever meets Node's default action (which kills the process and leaves the control socket
 * behind):
 *
 * - the first SIGINT or SIGTERM starts a clean stop ({@link stopRequested} resolves);
 * - a second one is logged and changes nothing: a clean stop is already under way and must not be
 *   cut short (an impatient Ctrl-C twice is common);
 * - a third one exits at once, without a clean stop;
 * - SIGHUP re-reads the config. One that arrives while the node starts is applied once it runs;
 *   one that arrives while it stops is ignored.
 */
export class NodeSignals {
  /** Resolves with the first stop signal. */
  readonly stopRequested: Promise<NodeJS.Signals>;
  private resolveStop!: (signal: NodeJS.Signals) => void;
  private stopSignals = 0;
  private reloadNode: (() => Promise<unknown>) | undefined;
  private reloadPending = false;
  private readonly onStop = new Map<NodeJS.Signals, () => void>();

  /**
   * @param source - where signals come from (the process).
   * @param logger - where signal handling is logged.
   * @param forceExit - the third stop signal: exit now, without a clean stop.
   */
  constructor(
    private readonly source: SignalSource,
    private readonly logger: Logger,
    private readonly forceExit: (why: string) => void,
  ) {
    this.stopRequested = new Promise((resolve) => (this.resolveStop = resolve));
    for (const signal of STOP_SIGNALS) {
      const listener = (): void => this.stop(signal);
      this.onStop.set(signal, listener);
      source.on(signal, listener);
    }
    source.on('SIGHUP', this.onHangup);
  }

  /**
   * The node runs: SIGHUP calls `reload` (which never rejects) from now on, and now if one came
   * while the node started.
   */
  running(reload: () => Promise<unknown>): void {
    this.reloadNode = reload;
    if (this.reloadPending) {
      this.reloadPending = false;
      this.reload();
    }
  }

  /** Removes the handlers (once the node has stopped). */
  dispose(): void {
    for (const [signal, listener] of this.onStop) this.source.off(signal, listener);
    this.source.off('SIGHUP', this.onHangup);
  }

  private stop(signal: NodeJS.Signals): void {
    this.stopSignals += 1;
    if (this.stopSignals === 1) {
      this.resolveStop(signal);
    } else if (this.stopSignals === 2) {
      this.logger.warn('already stopping; a third signal exits at once, without a clean stop', { signal });
    } else {
      this.forceExit(`${signal} received a third time`);
    }
  }

  private readonly onHangup = (): void => {
    if (this.stopSignals > 0) {
      this.logger.info('SIGHUP ignored: the node is stopping');
    } else if (this.reloadNode === undefined) {
      this.reloadPending = true;
    } else {
      this.reload();
    }
  };

  private reload(): void {
    this.logger.info('SIGHUP received, reloading the config');
    void this.reloadNode?.();
  }
}
