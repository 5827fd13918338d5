/**
 * Runtime configuration: live-tunable settings that interfaces expose through handles and the
 * driver serves to operators under keys `<prefix>.<interface name>.<setting>` (for example
 * `backbone.Public.idle_timeout_secs`). Types, codes and messages follow rns-net.
 */

/** A runtime-config value. `null` means "unset" for settings that allow it. */
export type RuntimeConfigValue = number | boolean | string | null;

/** Whether a value is the startup value or was changed while running. */
export type RuntimeConfigSource = 'startup' | 'runtime_override';

/** When a change takes effect. */
export type RuntimeConfigApplyMode =
  'immediate' | 'new_connections_only' | 'next_reconnect' | 'restart_required';

/** Stable error codes of runtime-config operations. */
export type RuntimeConfigErrorCode =
  'unknown_key' | 'invalid_type' | 'invalid_value' | 'unsupported' | 'not_found' | 'apply_failed';

/** A failed runtime-config operation: a code to branch on and a message for people. */
export interface RuntimeConfigError {
  /** What went wrong, to branch on. */
  readonly code: RuntimeConfigErrorCode;
  /** What went wrong, for people (names the key). */
  readonly message: string;
}

/** One setting as a handle reports it (without the key prefix). */
export interface RuntimeSetting {
  /** The setting's name within its handle, for example `idle_timeout_secs`. */
  readonly setting: string;
  /** Its current value. */
  readonly value: RuntimeConfigValue;
  /** Its value at startup; `reset` restores it. */
  readonly startup: RuntimeConfigValue;
  /** When a change takes effect. */
  readonly applyMode: RuntimeConfigApplyMode;
  /** What the setting does, in one sentence. */
  readonly description: string;
}

/** One setting as the driver serves it. */
export interface RuntimeConfigEntry {
  /** The full key, `<prefix>.<interface>.<setting>`. */
  readonly key: string;
  /** Its current value. */
  readonly value: RuntimeConfigValue;
  /** The startup value (rns-net calls it `default`). */
  readonly default: RuntimeConfigValue;
  /** `startup` while the value equals the startup value, else `runtime_override`. */
  readonly source: RuntimeConfigSource;
  /** When a change takes effect. */
  readonly applyMode: RuntimeConfigApplyMode;
  /** What the setting does, in one sentence. */
  readonly description: string;
}

/** Outcome of a set or reset: the entry as read back, or an error. */
export type RuntimeConfigResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RuntimeConfigError };

/**
 * The live settings of one interface. Plugins implement it (usually with
 * {@link RuntimeSettings}); the driver keeps it by interface name.
 */
export interface RuntimeConfigHandle {
  /** The key family, for example `backbone` or `backbone_client`. */
  readonly keyPrefix: string;
  /** The config section name of the interface. */
  readonly interfaceName: string;
  /** Every setting, in a stable order. */
  list(): readonly RuntimeSetting[];
  /** One setting, or `undefined` if the handle has no such setting. */
  get(setting: string): RuntimeSetting | undefined;
  /** Validates and applies a value. */
  set(setting: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeSetting>;
  /** Restores the startup value. */
  reset(setting: string): RuntimeConfigResult<RuntimeSetting>;
  /**
   * Validates and applies a value that the reloaded config file now gives, and makes it the
   * startup value (`reset` returns to it, and it reads as `startup` again). A handle without it
   * gets {@link set}: the value applies, reported as a runtime override.
   */
  rebase?(setting: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeSetting>;
}

/** Builds a failed {@link RuntimeConfigResult}. */
export function runtimeConfigError<T>(code: RuntimeConfigErrorCode, message: string): RuntimeConfigResult<T> {
  return { ok: false, error: { code, message } };
}

/** The startup values of an interface's live settings, by setting name. */
export type RuntimeStartup = Readonly<Record<string, RuntimeConfigValue>>;

/** The startup value of every setting of `handle`, by setting name. */
export function runtimeStartupOf(handle: RuntimeConfigHandle): RuntimeStartup {
  const values: Record<string, RuntimeConfigValue> = {};
  for (const setting of handle.list()) values[setting.setting] = setting.startup;
  return Object.freeze(values);
}
