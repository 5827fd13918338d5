/** Structured log fields attached to a message or a child logger. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The levels of the {@link Logger} contract. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The logging contract of the core and plugins. The node implements it with pino; tests and
 * embedders may pass {@link silentLogger} or their own.
 */
export interface Logger {
  /** Detail for debugging (per-connection chatter, dropped frames). */
  debug(message: string, fields?: LogFields): void;
  /** Normal operation (listening, connected, reconnected). */
  info(message: string, fields?: LogFields): void;
  /** Something an operator should know (refused connections, penalties, stalls). */
  warn(message: string, fields?: LogFields): void;
  /** A failure (an interface could not start, a listener died). */
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every message (for example the interface name). */
  child(fields: LogFields): Logger;
  /**
   * Whether a line of `level` would be written. Optional: a logger without it counts as writing
   * every level. Wrappers that count or limit lines ask first, so filtered lines cost nothing.
   */
  isLevelEnabled?(level: LogLevel): boolean;
}

/** A logger that discards everything. */
export const silentLogger: Logger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
  isLevelEnabled: () => false,
});
