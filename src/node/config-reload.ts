import { HostDriver } from '../core/driver/host-driver';
import { ConfigError } from '../core/errors';
import { interfaceModeName } from '../core/interface-mode';
import { Logger } from '../core/logger';
import { RuntimeConfigValue, RuntimeSetting } from '../core/runtime-config';
import { ConfigParams, ConfigValue } from '../registry/config-params';
import { InterfaceRegistry } from '../registry/interface-registry';
import { loadNodeConfig } from './config/config-loader';
import { readInterfaceCommonKeys } from './config/interface-common-keys';
import { changedMetricsKeys, MetricsSettings } from './config/metrics-section';
import { InterfaceDefaults } from './config/reticulum-section';
import {
  changedReticulumKeys,
  InterfaceSection,
  locateInterfaceError,
  NodeConfig,
  ReticulumSettings,
} from './config/node-config';
import {
  LIVE_TRANSPORT_KEYS,
  liveSettings,
  TRANSPORT_SETTINGS_PREFIX,
  tunableValues,
} from './transport-settings';

/** A runtime setting a reload changed. */
export interface ReloadedSetting {
  /** The runtime-config key, `<prefix>.<interface>.<setting>`. */
  readonly key: string;
  /** The value from the config file, as read back. */
  readonly value: RuntimeConfigValue;
}

/** What a config reload did. */
export interface ConfigReloadReport {
  /** Runtime settings whose value in the file changed, applied now. */
  readonly applied: readonly ReloadedSetting[];
  /** Changes that take effect only when the node restarts, one sentence each. */
  readonly restartNeeded: readonly string[];
  /** Why parts of the file (or all of it) were not used; nothing of those parts was applied. */
  readonly problems: readonly string[];
}

/** A configured interface the node started, with the section it was started from. */
export interface RunningSection {
  /** The configured id. */
  readonly id: number;
  /** The section as read at startup. */
  readonly section: InterfaceSection;
  /** What the interface dropped or refused itself, by reason, when its plugin counts that. */
  readonly drops?: () => Readonly<Record<string, number>>;
}

/** What a {@link ConfigReloader} works on. */
export interface ConfigReloaderDeps {
  /** The config directory (`DIR/config` is re-read). */
  readonly configDir: string;
  /** The interfaces running, as started. */
  readonly running: readonly RunningSection[];
  /** The node-owned `[reticulum]` settings the node started with (they take a restart). */
  readonly reticulum: ReticulumSettings;
  /** The `[metrics]` settings the node started with (a change takes a restart). */
  readonly metrics: MetricsSettings;
  /**
   * Whether the node serves each interface's transport tunables (`transport.<interface>.*`): a
   * reload applies their changes, in a section or in the `[reticulum]` defaults, live.
   */
  readonly transportTunables?: boolean;
  /** Parses sections and builds the runtime-config handles that read settings out of them. */
  readonly registry: InterfaceRegistry;
  /** Serves and applies the live settings. */
  readonly driver: HostDriver;
  /** Where the outcome is logged. */
  readonly logger: Logger;
  /** Told of every config read (the CLI applies `[logging] loglevel` there). */
  readonly onConfigLoaded?: (config: NodeConfig) => void;
}

/**
 * Re-reads the config file of a running node (on SIGHUP) and applies what can change live.
 *
 * - A runtime setting (see `rns-net config list`) whose value in the file differs from the value
 *   the file gave before is applied, and becomes its startup value. A setting changed only at
 *   runtime keeps its runtime value.
 * - Everything else an interface section changes (a port, an address, a key the interface reads
 *   only when it starts), interfaces added, removed, enabled or disabled, and a changed type or
 *   mode take effect at the next restart; each is logged, and logged again on every reload until
 *   then, since the comparison is with the config the node started from. So does a changed
 *   node-owned `[reticulum]` key (the buffer budgets) or `[metrics]` key.
 * - On a transport node, the transport tunables of each interface (announce rate limits,
 *   announce cap, ingress and egress control; `transport.<interface>.*`) are runtime settings
 *   like the interfaces' own: a change in a section, or in the `[reticulum]` default a section
 *   inherits, is applied live.
 * - `[logging] loglevel` is handed on through `onConfigLoaded`.
 *
 * A file that cannot be read or parsed changes nothing; a section with an invalid value is
 * skipped. A reload never throws: its problems are logged and reported.
 */
export class ConfigReloader {
  /** The `[reticulum]` interface defaults last read from a valid section. */
  private defaults: InterfaceDefaults;

  constructor(private readonly deps: ConfigReloaderDeps) {
    this.defaults = deps.reticulum.interfaceDefaults;
  }

  /** Re-reads the config and applies it; see {@link ConfigReloader}. */
  async reload(): Promise<ConfigReloadReport> {
    const { logger } = this.deps;
    let config: NodeConfig;
    try {
      ({ config } = await loadNodeConfig(this.deps.configDir, { createDefault: false }));
    } catch (err) {
      const problem = `config reload failed, nothing changed: ${(err as Error).message}`;
      logger.error(problem);
      return { applied: [], restartNeeded: [], problems: [problem] };
    }
    this.deps.onConfigLoaded?.(config);
    const report = this.apply(config);
    for (const problem of report.problems) logger.error(problem);
    for (const setting of report.applied) {
      logger.info('runtime config changed by reload', {
        key: setting.key,
        value: JSON.stringify(setting.value),
      });
    }
    for (const change of report.restartNeeded) logger.warn(change);
    logger.info('config reloaded', {
      file: config.file,
      applied: report.applied.length,
      restartNeeded: report.restartNeeded.length,
      problems: report.problems.length,
    });
    return report;
  }

  private apply(config: NodeConfig): ConfigReloadReport {
    const applied: ReloadedSetting[] = [];
    const restartNeeded: string[] = [];
    const problems = config.errors.map((e) => e.message);
    const next = new Map(config.interfaces.filter((s) => s.enabled).map((s) => [s.name, s]));
    const running = new Map(this.deps.running.map((r) => [r.section.name, r]));
    // A section the file now gets wrong is among the problems, not gone.
    const broken = new Set(config.errors.map((e) => e.section));
    for (const key of changedReticulumKeys(this.deps.reticulum, config.reticulumSettings)) {
      restartNeeded.push(`[reticulum] '${key}' changed; that takes a restart`);
    }
    // A [reticulum] section with a bad value, or one that now chooses another forwarding mode
    // (which takes a restart), leaves the running defaults as they were.
    const defaults = config.reticulumSettings.interfaceDefaults;
    if (!broken.has('reticulum') && defaults.transport) this.defaults = defaults;
    if (!broken.has('metrics')) {
      for (const key of changedMetricsKeys(this.deps.metrics, config.metrics))
        restartNeeded.push(`[metrics] '${key}' changed; that takes a restart`);
    }
    for (const name of next.keys()) {
      if (!running.has(name))
        restartNeeded.push(`interface '${name}' is not running; it starts at the next restart`);
    }
    for (const [name, { id, section }] of running) {
      const updated = next.get(name);
      if (updated === undefined && broken.has(name)) continue;
      if (updated === undefined) {
        restartNeeded.push(
          `interface '${name}' is gone from the config or disabled; it runs until the next restart`,
        );
        continue;
      }
      try {
        this.compareSection(id, section, updated, applied, restartNeeded);
      } catch (err) {
        // A plugin that throws anything else still costs only its own section.
        const located =
          err instanceof ConfigError
            ? locateInterfaceError(config.file, updated, err).message
            : `${config.file}:${updated.line} [${name}]: ${(err as Error).message}`;
        problems.push(`${located} (section not reloaded)`);
      }
    }
    return { applied, restartNeeded, problems };
  }

  /** Applies one running section's changed runtime settings and lists its other changes. */
  private compareSection(
    id: number,
    before: InterfaceSection,
    after: InterfaceSection,
    applied: ReloadedSetting[],
    restartNeeded: string[],
  ): void {
    const name = before.name;
    if (after.typeName !== before.typeName || after.mode !== before.mode) {
      restartNeeded.push(
        `interface '${name}' changed type or mode (${after.typeName}, ${interfaceModeName(after.mode)}); ` +
          `that takes a restart`,
      );
      return;
    }
    const next = this.probe(after, id, after.params);
    const updates: ReloadedSetting[] = [];
    for (const setting of next.settings) {
      const key = `${next.keyPrefix}.${name}.${setting.setting}`;
      const live = this.deps.driver.getRuntimeConfig(key);
      if (live !== undefined && live.default !== setting.startup)
        updates.push({ key, value: setting.startup });
    }
    if (this.deps.transportTunables === true) updates.push(...this.tunableUpdates(name, after));
    const previous = this.probe(before, id, before.params).settings;
    for (const key of changedKeys(before.params, after.params)) {
      if (this.deps.transportTunables === true && LIVE_TRANSPORT_KEYS.has(key)) continue;
      if (!this.movesRuntimeSetting(before, id, key, after.params[key], previous)) {
        restartNeeded.push(`[${name}] '${key}' changed; that takes a restart`);
      }
    }
    for (const update of updates) {
      const result = this.deps.driver.rebaseRuntimeConfig(update.key, update.value);
      if (result.ok) applied.push({ key: update.key, value: result.value.value });
      else
        restartNeeded.push(
          `${update.key} could not be applied (${result.error.message}); that takes a restart`,
        );
    }
  }

  /** The transport tunables whose value the section now gives (over the defaults) differs from their startup value. */
  private tunableUpdates(name: string, section: InterfaceSection): ReloadedSetting[] {
    const { settings } = readInterfaceCommonKeys(name, section.params, this.defaults);
    const updates: ReloadedSetting[] = [];
    for (const [setting, value] of tunableValues(liveSettings(settings))) {
      const key = `${TRANSPORT_SETTINGS_PREFIX}.${name}.${setting}`;
      const live = this.deps.driver.getRuntimeConfig(key);
      if (live !== undefined && live.default !== value) updates.push({ key, value });
    }
    return updates;
  }

  /**
   * Whether changing `key` alone to `value` changes a runtime setting: if not, the key is read
   * only at startup. A key that does not parse on its own (it depends on another change) counts
   * as read at startup.
   */
  private movesRuntimeSetting(
    section: InterfaceSection,
    id: number,
    key: string,
    value: ConfigValue | undefined,
    previous: readonly RuntimeSetting[],
  ): boolean {
    try {
      const alone = this.probe(section, id, withKey(section.params, key, value)).settings;
      return !sameSettings(alone, previous);
    } catch (err) {
      if (err instanceof ConfigError) return false;
      throw err;
    }
  }

  /**
   * The runtime settings an interface would start with from `params`: its plugin parses them and
   * builds a runtime-config handle for the parsed config, which nothing runs.
   */
  private probe(
    section: InterfaceSection,
    id: number,
    params: ConfigParams,
  ): { readonly keyPrefix: string; readonly settings: readonly RuntimeSetting[] } {
    const factory = this.deps.registry.require(section.typeName, section.name);
    const handle = factory.runtimeConfigHandle?.(factory.parseConfig(section.name, id, params));
    return { keyPrefix: handle?.keyPrefix ?? '', settings: handle?.list() ?? [] };
  }
}

function changedKeys(before: ConfigParams, after: ConfigParams): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !sameConfigValue(before[key], after[key])).sort();
}

/** `params` with `key` set to `value`, or removed when `value` is undefined. */
function withKey(params: ConfigParams, key: string, value: ConfigValue | undefined): ConfigParams {
  const copy: Record<string, ConfigValue> = Object.assign(Object.create(null) as object, params);
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

function sameConfigValue(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameSettings(a: readonly RuntimeSetting[], b: readonly RuntimeSetting[]): boolean {
  return (
    a.length === b.length && a.every((s, i) => s.setting === b[i]?.setting && s.startup === b[i]?.startup)
  );
}
