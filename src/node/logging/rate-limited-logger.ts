import { Clock, Timer } from '../../core/clock';
import { LogFields, Logger, LogLevel } from '../../core/logger';

/** Options of {@link LogRateLimiter}. */
export interface LogRateLimitOptions {
  /** Time and timers (fake in tests). */
  readonly clock: Clock;
  /** Lines of one category written per second; the rest are counted (default 10). */
  readonly linesPerSecond?: number;
  /** How often a summary of suppressed lines is written while lines are suppressed (default 10 s). */
  readonly summaryIntervalMs?: number;
  /** Categories tracked at once; lines of further categories share one (default 256). */
  readonly maxCategories?: number;
}

/** Per-category state: the current one-second window and what was suppressed since the summary. */
interface Category {
  windowStart: number;
  written: number;
  suppressed: number;
}

/** The category lines share once {@link LogRateLimitOptions.maxCategories} are tracked. */
const OVERFLOW_CATEGORY = '(other messages)';

/** Categories named in a summary line, most suppressed first. */
const SUMMARY_TOP = 5;

/** Longest category text quoted in a summary line. */
const SUMMARY_TEXT_MAX = 60;

/** Longest message text that tells categories apart (keeps each tracked key small). */
const CATEGORY_KEY_MAX = 200;

/**
 * Caps how many lines of each category (level and message) are written per second, and writes a
 * summary of what it held back every {@link LogRateLimitOptions.summaryIntervalMs} while it holds
 * lines back. Memory is bounded: at most `maxCategories` categories are tracked, and a category
 * with nothing to report is forgotten at the next summary.
 */
export class LogRateLimiter {
  private readonly categories = new Map<string, Category>();
  private readonly linesPerSecond: number;
  private readonly summaryIntervalMs: number;
  private readonly maxCategories: number;
  private summaryTimer: Timer | undefined;
  private suppressedTotal = 0;
  private stopped = false;

  constructor(
    private readonly options: LogRateLimitOptions,
    private readonly summaryLogger: Logger,
  ) {
    this.linesPerSecond = options.linesPerSecond ?? 10;
    this.summaryIntervalMs = options.summaryIntervalMs ?? 10_000;
    this.maxCategories = Math.max(1, options.maxCategories ?? 256);
  }

  /** Lines held back since start. */
  get suppressedLines(): number {
    return this.suppressedTotal;
  }

  /** Categories tracked now (bounded by `maxCategories` plus the shared overflow one). */
  get trackedCategories(): number {
    return this.categories.size;
  }

  /** Whether a line of `level` with `message` may be written now; counts it if not. */
  admit(level: LogLevel, message: string): boolean {
    const now = this.options.clock.now();
    const category = this.category(`${level}: ${message}`.slice(0, CATEGORY_KEY_MAX), now);
    if (now - category.windowStart >= 1000) {
      category.windowStart = now;
      category.written = 0;
    }
    if (category.written < this.linesPerSecond) {
      category.written += 1;
      return true;
    }
    category.suppressed += 1;
    this.suppressedTotal += 1;
    if (!this.stopped) {
      this.summaryTimer ??= this.options.clock.setTimeout(() => this.summarise(), this.summaryIntervalMs);
    }
    return false;
  }

  /** Writes the pending summary (if anything was held back) and stops the summary timer. */
  stop(): void {
    this.stopped = true;
    this.summaryTimer?.cancel();
    this.summarise();
  }

  private category(key: string, now: number): Category {
    let category = this.categories.get(key);
    if (category !== undefined) return category;
    if (this.categories.size >= this.maxCategories && !this.evictOneIdle(now)) {
      key = OVERFLOW_CATEGORY;
      category = this.categories.get(key);
      if (category !== undefined) return category;
    }
    category = { windowStart: now, written: 0, suppressed: 0 };
    this.categories.set(key, category);
    return category;
  }

  /** Forgets one category whose window is over and which has nothing to report. */
  private evictOneIdle(now: number): boolean {
    for (const [key, category] of this.categories) {
      if (category.suppressed === 0 && now - category.windowStart >= 1000) {
        this.categories.delete(key);
        return true;
      }
    }
    return false;
  }

  private summarise(): void {
    this.summaryTimer = undefined;
    const held: [string, number][] = [];
    let total = 0;
    const now = this.options.clock.now();
    for (const [key, category] of this.categories) {
      if (category.suppressed > 0) {
        held.push([key, category.suppressed]);
        total += category.suppressed;
        category.suppressed = 0;
      } else if (now - category.windowStart >= 1000) {
        this.categories.delete(key);
      }
    }
    if (total === 0) return;
    held.sort((a, b) => b[1] - a[1]);
    const top = held
      .slice(0, SUMMARY_TOP)
      .map(([key, count]) => `${truncate(key)} x${count}`)
      .join('; ');
    this.summaryLogger.warn(`log lines suppressed (more than ${this.linesPerSecond}/s of one kind)`, {
      suppressed: total,
      kinds: held.length,
      top,
    });
  }
}

function truncate(text: string): string {
  return text.length <= SUMMARY_TEXT_MAX ? text : `${text.slice(0, SUMMARY_TEXT_MAX - 3)}...`;
}

/**
 * A {@link Logger} whose lines (its children's too) pass a shared {@link LogRateLimiter}: the
 * logger the node hands to interfaces, the driver and the control endpoint, where remote peers
 * and local clients decide how much is logged. Lines the inner logger would filter out by level
 * are not counted.
 */
export class RateLimitedLogger implements Logger {
  constructor(
    private readonly inner: Logger,
    private readonly limiter: LogRateLimiter,
  ) {}

  debug(message: string, fields?: LogFields): void {
    if (this.admit('debug', message)) this.inner.debug(message, fields);
  }

  info(message: string, fields?: LogFields): void {
    if (this.admit('info', message)) this.inner.info(message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    if (this.admit('warn', message)) this.inner.warn(message, fields);
  }

  error(message: string, fields?: LogFields): void {
    if (this.admit('error', message)) this.inner.error(message, fields);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.inner.isLevelEnabled?.(level) ?? true;
  }

  child(fields: LogFields): Logger {
    return new RateLimitedLogger(this.inner.child(fields), this.limiter);
  }

  private admit(level: LogLevel, message: string): boolean {
    return this.isLevelEnabled(level) && this.limiter.admit(level, message);
  }
}
