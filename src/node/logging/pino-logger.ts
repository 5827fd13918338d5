import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import { Writable } from 'node:stream';
import { LogFields, Logger, LogLevel } from '../../core/logger';
import { LogFormat } from './log-format';
import { pinoLevelForLoglevel } from './log-level';
import { DEFAULT_MAX_BUFFERED_LOG_BYTES, LogOutput, LogOutputStats } from './log-output';

/**
 * Keys pino writes on every line itself. A field of the same name would be a second key on the
 * line (`"level":"warn",...,"level":3`): JSON readers keep the last, so level filters miss the
 * line and pino-pretty prints USERLVL. Such a field is written as `<key>Field` instead.
 */
export const PINO_RESERVED_KEYS: readonly string[] = ['level', 'time', 'msg', 'pid', 'hostname'];

/** `fields` with every key of {@link PINO_RESERVED_KEYS} renamed to `<key>Field`. */
export function withoutReservedKeys(fields: LogFields): LogFields {
  if (!PINO_RESERVED_KEYS.some((key) => key in fields)) return fields;
  const renamed: Record<string, LogFields[string]> = {};
  for (const [key, value] of Object.entries(fields)) {
    renamed[PINO_RESERVED_KEYS.includes(key) ? `${key}Field` : key] = value;
  }
  return renamed;
}

/**
 * Adapts pino to the core {@link Logger} contract (message first, fields second). Children share
 * the root pino logger and carry their fields themselves, so a level change reaches every child
 * at once (a config reload changes the level of a running node) and a child's fields and a line's
 * fields never become duplicate keys.
 */
export class PinoLogger implements Logger {
  constructor(
    private readonly root: pino.Logger,
    /** What the lines are written to, and how many it dropped. */
    readonly output: LogOutputStats,
    private readonly bindings: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.root.isLevelEnabled(level);
  }

  /** Changes the level (Python loglevel 0..8) of this logger and every child. */
  setLoglevel(loglevel: number): void {
    this.root.level = pinoLevelForLoglevel(loglevel);
  }

  child(fields: LogFields): Logger {
    return new PinoLogger(this.root, this.output, { ...this.bindings, ...fields });
  }

  private write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (!this.root.isLevelEnabled(level)) return;
    const merged = fields === undefined ? this.bindings : { ...this.bindings, ...fields };
    this.root[level](withoutReservedKeys(merged), message);
  }
}

/** Options of {@link createNodeLogger}. */
export interface NodeLoggerOptions {
  /** Python loglevel 0..8 (see {@link pinoLevelForLoglevel}). */
  readonly loglevel: number;
  /** Output format. */
  readonly format: LogFormat;
  /** Where lines go; defaults to stdout (file descriptor 1), as Python RNS logs to stdout. */
  readonly destination?: Writable;
  /** Colour the pretty output; defaults to false (the caller knows whether stdout is a terminal). */
  readonly colorize?: boolean;
  /** Bytes of lines that may wait for a slow destination before lines are dropped. */
  readonly maxBufferedBytes?: number;
}

/**
 * Builds the node's logger. Lines are formatted on the main thread (no worker-thread transport,
 * so tests have no stray handles) and handed to a {@link LogOutput}, which never waits for the
 * destination and drops lines rather than queue them without bound when it stops reading.
 */
export function createNodeLogger(options: NodeLoggerOptions): PinoLogger {
  const max = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_LOG_BYTES;
  const output =
    options.destination === undefined ? LogOutput.stdout(max) : new LogOutput(options.destination, max);
  const level = pinoLevelForLoglevel(options.loglevel);
  const base = { level, base: undefined };
  if (options.format === 'pretty') {
    const prettify = prettyFactory({
      colorize: options.colorize ?? false,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
    });
    return new PinoLogger(pino(base, { write: (line: string) => output.write(prettify(line)) }), output);
  }
  // Level names rather than pino's numbers, so a log reader needs no table to filter on them.
  const formatters = { level: (label: string) => ({ level: label }) };
  const json = pino(
    { ...base, formatters, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (line: string) => output.write(line) },
  );
  return new PinoLogger(json, output);
}
