import { DurationRule, durationProblem } from '../core/duration';
import { ConfigError } from '../core/errors';

/** One config value: a string, or a list for a comma-separated value (ConfigObj list syntax). */
export type ConfigValue = string | readonly string[];

/**
 * The keys of one interface section, as the config file gives them, minus the keys the node
 * consumes itself (`type`, `enabled`, `interface_enabled`, `mode`, `interface_mode`).
 */
export type ConfigParams = Readonly<Record<string, ConfigValue>>;

const TRUE_WORDS = new Set(['yes', 'true', 'on', '1']);
const FALSE_WORDS = new Set(['no', 'false', 'off', '0']);

/**
 * Typed access to a section's params. Every getter either returns a valid value, `undefined`
 * when the key is absent, or throws a {@link ConfigError} naming the section and key; nothing
 * falls back silently. Keys read are remembered so {@link unusedKeys} can report the rest.
 */
export class ConfigParamReader {
  private readonly used = new Set<string>();

  constructor(
    /** The section (interface) name, for error messages. */
    readonly section: string,
    private readonly params: ConfigParams,
  ) {}

  /** Whether a key is present. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.params, key);
  }

  /** The first of `keys` that is present, or undefined. */
  firstPresent(...keys: string[]): string | undefined {
    return keys.find((k) => this.has(k));
  }

  /** A string value (a list is an error). */
  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    this.used.add(key);
    const value = this.params[key];
    if (typeof value !== 'string') throw this.error(key, `expected a single value, got a list`);
    return value;
  }

  /** A list value; a single value becomes a one-element list, an empty string an empty list. */
  list(key: string): readonly string[] | undefined {
    if (!this.has(key)) return undefined;
    this.used.add(key);
    const value = this.params[key] as ConfigValue;
    if (typeof value !== 'string') return value;
    return value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  }

  /** A boolean: yes/no/true/false/on/off/1/0, case-insensitive. */
  boolean(key: string): boolean | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw this.error(key, `expected yes/no/true/false/on/off/1/0, got '${raw}'`);
  }

  /** A number (integer or fraction) within bounds. */
  number(key: string, bounds: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    const text = raw.trim();
    const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(value)) throw this.error(key, `expected a number, got '${raw}'`);
    if (bounds.integer === true && !Number.isInteger(value)) {
      throw this.error(key, `expected an integer, got '${raw}'`);
    }
    if (bounds.min !== undefined && value < bounds.min)
      throw this.error(key, `must be >= ${bounds.min}, got '${raw}'`);
    if (bounds.max !== undefined && value > bounds.max)
      throw this.error(key, `must be <= ${bounds.max}, got '${raw}'`);
    return value;
  }

  /** A non-negative integer count. */
  count(key: string): number | undefined {
    return this.number(key, { min: 0, integer: true });
  }

  /** A TCP/UDP port to connect or send to, 1..65535. */
  port(key: string): number | undefined {
    return this.number(key, { min: 1, max: 65535, integer: true });
  }

  /**
   * A TCP/UDP port to listen on, 0..65535: 0 asks the system for any free port (the interface
   * reports the port it got as its `boundAddress`).
   */
  listenPort(key: string): number | undefined {
    return this.number(key, { min: 0, max: 65535, integer: true });
  }

  /**
   * A duration in `rule.unit` (seconds by default; fractions allowed), at least `rule.min`
   * (default 0) and at most `MAX_DURATION_SECS`, the longest timer (see `durationProblem`).
   */
  duration(key: string, rule: DurationRule = {}): number | undefined {
    const value = this.number(key);
    if (value === undefined) return undefined;
    const problem = durationProblem(value, rule);
    if (problem !== undefined) throw this.error(key, `${problem}, got '${String(this.params[key])}'`);
    return value;
  }

  /** A duration in seconds, at least `min` (default 0): {@link duration} in seconds. */
  seconds(key: string, min = 0): number | undefined {
    return this.duration(key, { min });
  }

  /** A {@link ConfigError} about `key` in this section. */
  error(key: string, detail: string): ConfigError {
    return new ConfigError(detail, { section: this.section, key });
  }

  /** Keys present but never read: typos and options the plugin does not know. */
  unusedKeys(): string[] {
    return Object.keys(this.params).filter((k) => !this.used.has(k));
  }
}
