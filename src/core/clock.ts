/** A pending timer from a {@link Clock}; cancelling twice, or after it fired, is harmless. */
export interface Timer {
  /** Stops the timer from firing (again). */
  cancel(): void;
}

/**
 * Time and timers, injected wherever time drives behaviour (idle timeouts, write stalls,
 * backoff, penalties, dedup expiry) so tests can drive it with sinon fake timers.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Runs `callback` every `ms` milliseconds until cancelled. */
  setInterval(callback: () => void, ms: number): Timer;
}

/**
 * The real clock. It looks up `Date.now`, `setTimeout` and friends on every call rather than
 * capturing them at import time, so `sinon.useFakeTimers()` installed later still drives it.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(callback: () => void, ms: number): Timer {
    const handle = globalThis.setTimeout(callback, ms);
    return { cancel: () => globalThis.clearTimeout(handle) };
  },
  setInterval(callback: () => void, ms: number): Timer {
    const handle = globalThis.setInterval(callback, ms);
    return { cancel: () => globalThis.clearInterval(handle) };
  },
});
