import { MAX_TIMER_DELAY_MS } from '../../core/clock';

/**
 * The backoff multiplier is capped at 2^6, as in rns-net (`MAX_BACKOFF_SHIFT`): with the default
 * 5 s wait the delays run 5, 10, 20, 40, 80, 160 and then stay at 320 s.
 */
export const MAX_BACKOFF_SHIFT = 6;

/**
 * The delay before reconnect attempt `attempt + 1` of a stream client: `baseMs x 2^min(attempt, 6)`
 * with +/-25 % jitter, uniform in [0.75, 1.25) x backoff. Jitter spreads the reconnects of many
 * clients of one restarted hub so they do not arrive as one burst (a thundering herd).
 *
 * The result never exceeds `MAX_TIMER_DELAY_MS` (about 24.8 days): a long configured wait times
 * 64 would otherwise pass the longest timer.
 *
 * Pure: `random` is injected (`Math.random` in production) so tests can pin the jitter.
 *
 * @param baseMs - the configured reconnect wait in milliseconds (`reconnect_wait`); 0 gives 0.
 * @param attempt - how many reconnect attempts came before this one, counted from 0.
 * @param random - a source of numbers uniform in [0, 1).
 * @returns the delay in milliseconds, never negative.
 */
export function reconnectDelayMs(baseMs: number, attempt: number, random: () => number): number {
  const shift = Math.min(Math.max(0, Math.floor(attempt)), MAX_BACKOFF_SHIFT);
  const backoff = Math.max(0, baseMs) * 2 ** shift;
  // random() in [0, 1) maps to a factor in [0.75, 1.25): the same range rns-net draws from.
  return Math.min(backoff * (0.75 + 0.5 * random()), MAX_TIMER_DELAY_MS);
}
