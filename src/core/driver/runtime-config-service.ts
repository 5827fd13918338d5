import { RnsError } from '../errors';
import {
  RuntimeConfigEntry,
  RuntimeConfigHandle,
  RuntimeConfigResult,
  RuntimeConfigValue,
  RuntimeSetting,
  runtimeConfigError,
} from '../runtime-config';
import { RNS_ERR_DUPLICATE_INTERFACE, RNS_ERR_PLUGIN } from '../error-codes';

/** Where a key points: the handle that owns it and the setting name within that handle. */
interface ResolvedKey {
  readonly handle: RuntimeConfigHandle;
  readonly setting: string;
}

/**
 * Serves the runtime-config handles of every attached interface under the keys
 * `<keyPrefix>.<interfaceName>.<setting>`, with rns-net's error codes and messages.
 *
 * Key prefixes and setting names contain no dots; interface names may (`backbone.eu.west.x` is
 * setting `x` of interface `eu.west`), so a key is split at its first and last dot and the
 * handle found by exact prefix and name.
 */
export class RuntimeConfigService {
  private readonly handles = new Map<string, RuntimeConfigHandle>();

  /**
   * Adds a handle. Two handles with the same prefix and interface name would serve the same
   * keys, so the second is refused.
   *
   * @throws {@link RnsError} `RNS_ERR_DUPLICATE_INTERFACE` on a duplicate, `RNS_ERR_PLUGIN` for
   *   an empty or dotted key prefix.
   */
  add(handle: RuntimeConfigHandle): void {
    if (handle.keyPrefix.length === 0 || handle.keyPrefix.includes('.')) {
      // A dotted prefix could never be split back out of a key.
      throw new RnsError(RNS_ERR_PLUGIN, `invalid runtime-config key prefix '${handle.keyPrefix}'`);
    }
    const id = `${handle.keyPrefix}.${handle.interfaceName}`;
    if (this.has(handle.keyPrefix, handle.interfaceName)) {
      throw new RnsError(
        RNS_ERR_DUPLICATE_INTERFACE,
        `a runtime-config handle for ${handle.keyPrefix} interface '${handle.interfaceName}' is already registered`,
      );
    }
    this.handles.set(id, handle);
  }

  /** Whether a handle with this prefix and interface name is registered. */
  has(keyPrefix: string, interfaceName: string): boolean {
    return this.handles.has(`${keyPrefix}.${interfaceName}`);
  }

  /** Every setting of every handle: by key prefix, then interface name, then the handle's order. */
  list(): RuntimeConfigEntry[] {
    const handles = [...this.handles.values()].sort(
      (a, b) => compareText(a.keyPrefix, b.keyPrefix) || compareText(a.interfaceName, b.interfaceName),
    );
    const entries: RuntimeConfigEntry[] = [];
    for (const handle of handles) {
      for (const setting of handle.list()) entries.push(toEntry(handle, setting));
    }
    return entries;
  }

  /** One entry, or undefined for any key that names no setting. */
  get(key: string): RuntimeConfigEntry | undefined {
    const resolved = this.resolve(key);
    if (resolved === undefined) return undefined;
    const setting = resolved.handle.get(resolved.setting);
    return setting === undefined ? undefined : toEntry(resolved.handle, setting);
  }

  /** Validates and applies a value, then reads the entry back. */
  set(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.mutate(key, (handle, setting) => handle.set(setting, value));
  }

  /** Restores a setting's startup value, then reads the entry back. */
  reset(key: string): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.mutate(key, (handle, setting) => handle.reset(setting));
  }

  /**
   * Applies a value from a reloaded config file and makes it the setting's startup value (see
   * {@link RuntimeConfigHandle.rebase}), then reads the entry back.
   */
  rebase(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.mutate(key, (handle, setting) =>
      handle.rebase !== undefined ? handle.rebase(setting, value) : handle.set(setting, value),
    );
  }

  private mutate(
    key: string,
    apply: (handle: RuntimeConfigHandle, setting: string) => RuntimeConfigResult<RuntimeSetting>,
  ): RuntimeConfigResult<RuntimeConfigEntry> {
    const resolved = this.resolve(key);
    if (resolved === undefined) return this.missing(key);
    const { handle, setting } = resolved;
    if (handle.get(setting) === undefined) return unknownKey(key);
    let result: RuntimeConfigResult<RuntimeSetting>;
    try {
      result = apply(handle, setting);
    } catch (err) {
      // A handle is plugin code; a throw is reported as a failed apply, never propagated.
      return runtimeConfigError('apply_failed', `failed to apply ${key}: ${errorMessage(err)}`);
    }
    if (!result.ok) return result;
    // Read back rather than trusting the handle's answer, as rns-net does.
    const entry = this.get(key);
    if (entry === undefined)
      return runtimeConfigError('apply_failed', `failed to read back ${key} after applying it`);
    return { ok: true, value: entry };
  }

  /** The error for a key no handle serves: `not_found` under a known prefix, else `unknown_key`. */
  private missing(key: string): RuntimeConfigResult<RuntimeConfigEntry> {
    const parts = splitKey(key);
    if (parts !== undefined && this.hasPrefix(parts.prefix)) {
      return runtimeConfigError(
        'not_found',
        `${parts.prefix.replace(/_/g, ' ')} interface '${parts.name}' not found`,
      );
    }
    return unknownKey(key);
  }

  private hasPrefix(prefix: string): boolean {
    for (const handle of this.handles.values()) if (handle.keyPrefix === prefix) return true;
    return false;
  }

  private resolve(key: string): ResolvedKey | undefined {
    const parts = splitKey(key);
    if (parts === undefined) return undefined;
    const handle = this.handles.get(`${parts.prefix}.${parts.name}`);
    return handle === undefined ? undefined : { handle, setting: parts.setting };
  }
}

/**
 * Splits `<prefix>.<name>.<setting>`: the prefix ends at the first dot and the setting starts
 * after the last (neither contains dots), so the interface name may contain dots.
 */
function splitKey(key: string): { prefix: string; name: string; setting: string } | undefined {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first <= 0 || last <= first + 1 || last === key.length - 1) return undefined;
  return { prefix: key.slice(0, first), name: key.slice(first + 1, last), setting: key.slice(last + 1) };
}

function toEntry(handle: RuntimeConfigHandle, setting: RuntimeSetting): RuntimeConfigEntry {
  return {
    key: `${handle.keyPrefix}.${handle.interfaceName}.${setting.setting}`,
    value: setting.value,
    default: setting.startup,
    source: setting.value === setting.startup ? 'startup' : 'runtime_override',
    applyMode: setting.applyMode,
    description: setting.description,
  };
}

function unknownKey<T>(key: string): RuntimeConfigResult<T> {
  return runtimeConfigError('unknown_key', `unknown runtime-config key '${key}'`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
