/** A pending timer from a {@link Clock}; cancelling twice, or after it fired, is harmless. */
export interface Timer {
  /** Stops the timer from firing (again). */
  cancel(): void;
}

/**
 * The longest delay the host's timers take: Node (like browsers) keeps a delay in a signed 32-bit
 * integer, and a longer one fires after 1 ms with a `TimeoutOverflowWarning`. About 24.8 days.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Time and timers, injected wherever time drives behaviour (idle timeouts, write stalls,
 * backoff, penalties, dedup expiry) so tests can drive it with sinon fake timers.
 *
 * Timers never fire early. A delay is a finite number of milliseconds >= 0; anything else
 * (negative, NaN, Infinity) throws a `RangeError` where the timer is set, since it can only come
 * from a bug. A delay longer than {@link MAX_TIMER_DELAY_MS} is honoured in full, by re-arming
 * the host timer until it is due.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `callback` once after `ms` milliseconds.
   *
   * @throws RangeError when `ms` is negative or not finite.
   */
  setTimeout(callback: () => void, ms: number): Timer;
  /**
   * Runs `callback` every `ms` milliseconds until cancelled.
   *
   * @throws RangeError when `ms` is negative or not finite.
   */
  setInterval(callback: () => void, ms: number): Timer;
}

/**
 * Checks a timer delay against the {@link Clock} contract.
 *
 * @throws RangeError when `ms` is negative or not finite.
 */
export function checkTimerDelay(ms: number): void {
  if (!(Number.isFinite(ms) && ms >= 0)) {
    throw new RangeError(`a timer delay must be a finite number of milliseconds >= 0, got ${ms}`);
  }
}

/**
 * Runs `callback` once after `ms` on the host's timers. A delay longer than the host takes is
 * waited out in steps of at most {@link MAX_TIMER_DELAY_MS}; host timers never fire before their
 * delay, so neither does this, whatever the wall clock does meanwhile.
 */
function hostTimeout(callback: () => void, ms: number): Timer {
  checkTimerDelay(ms);
  let remaining = ms;
  let handle: ReturnType<typeof globalThis.setTimeout>;
  const arm = (): void => {
    const delay = Math.min(remaining, MAX_TIMER_DELAY_MS);
    remaining -= delay;
    handle = globalThis.setTimeout(() => (remaining > 0 ? arm() : callback()), delay);
  };
  arm();
  return { cancel: () => globalThis.clearTimeout(handle) };
}

/**
 * The real clock. It looks up `Date.now`, `setTimeout` and friends on every call rather than
 * capturing them at import time, so `sinon.useFakeTimers()` installed later still drives it.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(callback: () => void, ms: number): Timer {
    return hostTimeout(callback, ms);
  },
  setInterval(callback: () => void, ms: number): Timer {
    checkTimerDelay(ms);
    if (ms <= MAX_TIMER_DELAY_MS) {
      const handle = globalThis.setInterval(callback, ms);
      return { cancel: () => globalThis.clearInterval(handle) };
    }
    // Re-armed before the callback runs, so a callback that cancels the interval stops it.
    let current: Timer;
    const tick = (): void => {
      current = hostTimeout(tick, ms);
      callback();
    };
    current = hostTimeout(tick, ms);
    return { cancel: () => current.cancel() };
  },
});
