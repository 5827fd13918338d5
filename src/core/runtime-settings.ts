import { durationProblem } from './duration';
import {
  RuntimeConfigApplyMode,
  RuntimeConfigHandle,
  RuntimeConfigResult,
  RuntimeConfigValue,
  RuntimeSetting,
  runtimeConfigError,
} from './runtime-config';

/**
 * How a setting's value is typed and validated, with rns-net's rules:
 * - `seconds`: an integer or float >= the spec's `min` (default 0; 0 usually means off) and at
 *   most `MAX_DURATION_SECS` (about 24.8 days, the longest timer); read back as a float.
 * - `count`: an integer >= 0 (a float is an `invalid_type`).
 * - `number`: any finite number >= the spec's `min` (default 0), a rate or a percentage.
 * - `seconds` or `count` with `nullable`: `null` too (a setting that can be unset, such as a cap
 *   whose absence means no cap).
 * - `boolean`: true or false.
 * - `string`: any string.
 */
export type RuntimeSettingKind = 'seconds' | 'count' | 'number' | 'boolean' | 'string';

/** Declares one setting of a {@link RuntimeSettings} table. */
export interface RuntimeSettingSpec<V extends RuntimeConfigValue> {
  /** The setting's name, for example `idle_timeout_secs`. */
  readonly name: string;
  /** How values are typed and validated. */
  readonly kind: RuntimeSettingKind;
  /** When a change takes effect. */
  readonly applyMode: RuntimeConfigApplyMode;
  /** For `seconds` and `number`: the smallest value accepted (default 0). */
  readonly min?: number;
  /** For `seconds` and `count`: `null` is a value too (and written as such). */
  readonly nullable?: boolean;
  /** What the setting does, in one sentence (shown by `rns-net config`). */
  readonly description: string;
  /** Reads the live value. */
  read(): V;
  /** Applies a validated value. May throw to report `apply_failed`. */
  write(value: V): void;
  /** Extra validation after the type check; returns a message for `invalid_value`. */
  validate?(value: V): string | undefined;
}

/** A spec of any value type (the table is heterogeneous). */
export type AnyRuntimeSettingSpec =
  | RuntimeSettingSpec<number>
  | RuntimeSettingSpec<number | null>
  | RuntimeSettingSpec<boolean>
  | RuntimeSettingSpec<string>;

/**
 * A {@link RuntimeConfigHandle} built from a table of setting specs. It records each setting's
 * startup value when constructed, type-checks and validates values with rns-net's messages, and
 * reads each value back after applying it.
 */
export class RuntimeSettings implements RuntimeConfigHandle {
  private readonly specs = new Map<string, AnyRuntimeSettingSpec>();
  private readonly startup = new Map<string, RuntimeConfigValue>();

  /**
   * @param keyPrefix - the key family, for example `backbone`.
   * @param interfaceName - the interface's config section name.
   * @param specs - the settings, in listing order. Their current values become the startup values.
   */
  constructor(
    readonly keyPrefix: string,
    readonly interfaceName: string,
    specs: readonly AnyRuntimeSettingSpec[],
  ) {
    for (const spec of specs) {
      this.specs.set(spec.name, spec);
      this.startup.set(spec.name, spec.read());
    }
  }

  /** Every setting, in the order of the specs. */
  list(): readonly RuntimeSetting[] {
    return [...this.specs.values()].map((spec) => this.describe(spec));
  }

  /** One setting, or `undefined` when the table has no such setting. */
  get(setting: string): RuntimeSetting | undefined {
    const spec = this.specs.get(setting);
    return spec === undefined ? undefined : this.describe(spec);
  }

  /** Type-checks, validates and applies a value, then reads the setting back. */
  set(setting: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeSetting> {
    const spec = this.specs.get(setting);
    if (spec === undefined) return this.unknown(setting);
    return this.apply(spec, value);
  }

  /** Applies the setting's startup value again. */
  reset(setting: string): RuntimeConfigResult<RuntimeSetting> {
    const spec = this.specs.get(setting);
    if (spec === undefined) return this.unknown(setting);
    return this.apply(spec, this.startup.get(setting) ?? null);
  }

  /** Applies a value the reloaded config gives and makes it the startup value. */
  rebase(setting: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeSetting> {
    const spec = this.specs.get(setting);
    if (spec === undefined) return this.unknown(setting);
    const result = this.apply(spec, value);
    if (!result.ok) return result;
    this.startup.set(setting, spec.read());
    return { ok: true, value: this.describe(spec) };
  }

  private key(setting: string): string {
    return `${this.keyPrefix}.${this.interfaceName}.${setting}`;
  }

  private unknown(setting: string): RuntimeConfigResult<RuntimeSetting> {
    return runtimeConfigError('unknown_key', `unknown runtime-config key '${this.key(setting)}'`);
  }

  private describe(spec: AnyRuntimeSettingSpec): RuntimeSetting {
    return {
      setting: spec.name,
      value: spec.read(),
      startup: this.startup.get(spec.name) ?? null,
      applyMode: spec.applyMode,
      description: spec.description,
    };
  }

  private apply(spec: AnyRuntimeSettingSpec, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeSetting> {
    const key = this.key(spec.name);
    try {
      switch (spec.kind) {
        case 'seconds':
        case 'number':
        case 'count': {
          if (value === null && spec.nullable === true) {
            (spec as RuntimeSettingSpec<number | null>).write(null);
            break;
          }
          if (typeof value !== 'number' || !Number.isFinite(value)) {
            return runtimeConfigError(
              'invalid_type',
              spec.kind === 'count' ? `${key} expects an integer` : `${key} expects a numeric value`,
            );
          }
          if (spec.kind === 'count' && !Number.isInteger(value)) {
            return runtimeConfigError('invalid_type', `${key} expects an integer`);
          }
          const min = spec.min ?? 0;
          const range =
            spec.kind === 'seconds'
              ? durationProblem(value, { min: spec.min })
              : value < min
                ? `must be >= ${min}`
                : undefined;
          if (range !== undefined) return runtimeConfigError('invalid_value', `${key} ${range}`);
          const numeric = spec as RuntimeSettingSpec<number>;
          const problem = numeric.validate?.(value);
          if (problem !== undefined) return runtimeConfigError('invalid_value', `${key} ${problem}`);
          numeric.write(value);
          break;
        }
        case 'boolean': {
          if (typeof value !== 'boolean')
            return runtimeConfigError('invalid_type', `${key} expects a boolean`);
          const flag = spec as RuntimeSettingSpec<boolean>;
          const problem = flag.validate?.(value);
          if (problem !== undefined) return runtimeConfigError('invalid_value', `${key} ${problem}`);
          flag.write(value);
          break;
        }
        case 'string': {
          if (typeof value !== 'string') return runtimeConfigError('invalid_type', `${key} expects a string`);
          const text = spec as RuntimeSettingSpec<string>;
          const problem = text.validate?.(value);
          if (problem !== undefined) return runtimeConfigError('invalid_value', `${key} ${problem}`);
          text.write(value);
          break;
        }
      }
    } catch (err) {
      return runtimeConfigError('apply_failed', `failed to apply ${key}: ${(err as Error).message}`);
    }
    return { ok: true, value: this.describe(spec) };
  }
}
