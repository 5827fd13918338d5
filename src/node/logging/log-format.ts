/** How log lines are written: `pretty` (human-readable, one coloured line) or `json` (pino's JSON lines). */
export type LogFormat = 'pretty' | 'json';

/** The accepted `--log-format` values. */
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

/**
 * Picks the log format. An explicit choice wins. Otherwise a terminal gets `pretty` and anything
 * else (a pipe, a file, a service manager's journal) gets `json`, because a log collector parses
 * JSON lines reliably and a person reading a terminal does not want to.
 */
export function resolveLogFormat(requested: LogFormat | undefined, isTty: boolean): LogFormat {
  return requested ?? (isTty ? 'pretty' : 'json');
}

/** Whether `text` is a {@link LogFormat}. */
export function isLogFormat(text: string): text is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(text);
}
