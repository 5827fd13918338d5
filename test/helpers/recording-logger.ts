/** A {@link Logger} for tests that keeps every line, so a test can check what was logged. */
import { LogFields, Logger } from '../../src/core/logger';

/** Captured at load so waits stay bounded in real time while tests install sinon fake timers. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** Default bound of {@link RecordingLogger.waitFor}. */
const LOG_WAIT_MS = 2000;

/** One recorded log line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A Logger that keeps every line; its children log into the same list. */
export class RecordingLogger implements Logger {
  /** Every line, in order. */
  readonly lines: LogLine[] = [];
  private readonly waiters = new Set<(line: LogLine) => void>();

  debug(message: string, fields?: LogFields): void {
    this.add({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.add({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.add({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.add({ level: 'error', message, fields });
  }
  child(): Logger {
    return this;
  }

  /** Messages of one level. */
  messages(level: LogLine['level']): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }

  /** The first line (already logged or coming) whose message contains `text`; bounded in time. */
  waitFor(text: string, timeoutMs = LOG_WAIT_MS): Promise<LogLine> {
    const found = this.lines.find((l) => l.message.includes(text));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (line: LogLine): void => {
        if (!line.message.includes(text)) return;
        realClearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(line);
      };
      const timer = realSetTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for log line '${text}'`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private add(line: LogLine): void {
    this.lines.push(line);
    for (const waiter of [...this.waiters]) waiter(line);
  }
}
