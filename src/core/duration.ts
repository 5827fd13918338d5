import { MAX_TIMER_DELAY_MS } from './clock';

/**
 * The longest duration any setting takes, in seconds: the longest host timer delay
 * ({@link MAX_TIMER_DELAY_MS}), 2147483.647 s or about 24.8 days. One limit for every duration,
 * timer or not, so an operator meets the same rule everywhere and a value can become a timer later
 * without a new check.
 */
export const MAX_DURATION_SECS = MAX_TIMER_DELAY_MS / 1000;

/** How a duration setting is written. */
export type DurationUnit = 'seconds' | 'minutes';

/** The rules of one duration setting. */
export interface DurationRule {
  /** The unit the value is written in (default seconds). */
  readonly unit?: DurationUnit;
  /** The smallest value accepted, in `unit` (default 0). */
  readonly min?: number;
}

const SECONDS_PER_UNIT: Readonly<Record<DurationUnit, number>> = { seconds: 1, minutes: 60 };

/**
 * Why `value` cannot be used as a duration under `rule`, or undefined when it can: a finite
 * number >= `rule.min` and at most {@link MAX_DURATION_SECS}. The config reader and the runtime
 * settings both ask it, so a duration is checked the same way wherever it is set. The message
 * completes a sentence that starts with the key: "must be >= 1".
 */
export function durationProblem(value: number, rule: DurationRule = {}): string | undefined {
  const perUnit = SECONDS_PER_UNIT[rule.unit ?? 'seconds'];
  const min = rule.min ?? 0;
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (value < min) return `must be >= ${min}`;
  if (value * perUnit * 1000 > MAX_TIMER_DELAY_MS) {
    const max = Math.floor((MAX_DURATION_SECS / perUnit) * 1000) / 1000;
    return `must be <= ${max} (about 24.8 days, the longest timer)`;
  }
  return undefined;
}
