/**
 * Converts a duration in seconds (config files and runtime settings speak seconds) to the whole
 * milliseconds the config types and timers use. A positive duration never rounds down to 0,
 * because 0 means "off" and a tiny timeout must not silently disable the feature.
 */
export function secondsToMs(secs: number): number {
  if (!(secs > 0)) return 0;
  return Math.max(1, Math.round(secs * 1000));
}

/** Converts milliseconds back to the seconds a runtime setting reports. */
export function msToSeconds(ms: number): number {
  return ms / 1000;
}
