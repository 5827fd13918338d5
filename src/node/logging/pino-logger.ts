import pino from 'pino';
import pretty from 'pino-pretty';
import { LogFields, Logger } from '../../core/logger';
import { LogFormat } from './log-format';
import { pinoLevelForLoglevel } from './log-level';

/** Adapts a pino logger to the core {@link Logger} contract (message first, fields second). */
export class PinoLogger implements Logger {
  constructor(
    /** The wrapped pino logger, exposed for the node's own fatal/trace messages. */
    readonly pino: pino.Logger,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.pino.debug(fields ?? {}, message);
  }

  info(message: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, message);
  }

  warn(message: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, message);
  }

  error(message: string, fields?: LogFields): void {
    this.pino.error(fields ?? {}, message);
  }

  /**
   * Changes the level (Python loglevel 0..8). Child loggers created before keep their level, so
   * the node applies the config's level before it creates any.
   */
  setLoglevel(loglevel: number): void {
    this.pino.level = pinoLevelForLoglevel(loglevel);
  }

  child(fields: LogFields): Logger {
    return new PinoLogger(this.pino.child(fields));
  }
}

/** Options of {@link createNodeLogger}. */
export interface NodeLoggerOptions {
  /** Python loglevel 0..8 (see {@link pinoLevelForLoglevel}). */
  readonly loglevel: number;
  /** Output format. */
  readonly format: LogFormat;
  /** Where lines go; defaults to stdout (file descriptor 1), as Python RNS logs to stdout. */
  readonly destination?: NodeJS.WritableStream;
  /** Colour the pretty output; defaults to whether the destination is a terminal. */
  readonly colorize?: boolean;
}

/**
 * Builds the node's logger. Both formats write synchronously from the main thread: no worker
 * thread transport, so nothing is lost when the process exits right after a fatal message, and
 * tests have no stray handles. A node logs little per second (not per frame), so synchronous
 * writes cost nothing that matters.
 */
export function createNodeLogger(options: NodeLoggerOptions): PinoLogger {
  const level = pinoLevelForLoglevel(options.loglevel);
  const base = { level, base: undefined };
  if (options.format === 'pretty') {
    const stream = pretty({
      sync: true,
      destination: options.destination ?? 1,
      colorize: options.colorize ?? (options.destination === undefined && process.stdout.isTTY === true),
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
    });
    return new PinoLogger(pino(base, stream));
  }
  const stream = options.destination ?? pino.destination({ dest: 1, sync: true });
  // Level names rather than pino's numbers, so a log reader needs no table to filter on them.
  const formatters = { level: (label: string) => ({ level: label }) };
  return new PinoLogger(pino({ ...base, formatters, timestamp: pino.stdTimeFunctions.isoTime }, stream));
}
