import { LevelWithSilent } from 'pino';

/** Python RNS's loglevel numbering (RNS 1.4.2, `RNS.LOG_*`). */
export const PYTHON_LOGLEVEL = {
  critical: 0,
  error: 1,
  warning: 2,
  notice: 3,
  info: 4,
  verbose: 5,
  debug: 6,
  pathing: 7,
  extreme: 8,
} as const;

/** The loglevel a node runs at when neither the config nor the command line sets one (Python's default). */
export const DEFAULT_LOGLEVEL = PYTHON_LOGLEVEL.info;

/**
 * Maps Python's loglevel 0..8 onto pino's fewer levels. Python distinguishes nine levels, pino
 * six, so neighbouring Python levels share a pino level:
 *
 * | loglevel | Python name        | pino level | what an operator sees                  |
 * |----------|--------------------|------------|----------------------------------------|
 * | 0        | critical           | fatal      | nothing but fatal failures             |
 * | 1        | error              | error      | failures                               |
 * | 2        | warning            | warn       | + refusals, penalties, stalls          |
 * | 3, 4     | notice, info       | info       | + listening, connected, config notices |
 * | 5, 6     | verbose, debug     | debug      | + per-connection chatter, drops        |
 * | 7, 8     | pathing, extreme   | trace      | everything                             |
 *
 * Values outside 0..8 are clamped, as Python clamps them.
 */
export function pinoLevelForLoglevel(loglevel: number): LevelWithSilent {
  const level = Math.min(8, Math.max(0, Math.trunc(loglevel)));
  if (level <= 0) return 'fatal';
  if (level === 1) return 'error';
  if (level === 2) return 'warn';
  if (level <= 4) return 'info';
  if (level <= 6) return 'debug';
  return 'trace';
}

/**
 * Parses a `--loglevel` argument: an integer 0..8. Returns `undefined` for anything else so the
 * caller can report a usage error rather than guess.
 */
export function parseLoglevel(text: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 0 && value <= 8 ? value : undefined;
}
