import { HostDriver } from '../core/driver/host-driver';
import { ConfigError } from '../core/errors';
import { interfaceModeName } from '../core/interface-mode';
import { Logger } from '../core/logger';
import { RuntimeConfigHandle, RuntimeConfigValue, RuntimeStartup } from '../core/runtime-config';
import { ConfigParams, ConfigValue } from '../registry/config-params';
import { InterfaceRegistry } from '../registry/interface-registry';
import { loadNodeConfig } from './config/config-loader';
import { readNodeInterfaceKeys } from './config/interface-keys';
import { changedMetricsKeys, MetricsSettings } from './config/metrics-section';
import { PluginsSettings } from './config/plugins-section';
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
  /** The live settings its start returned, if it has any. */
  readonly runtimeConfig?: RuntimeConfigHandle;
  /** Its access code, as status shows it (never the passphrase); null when it has none. */
  readonly ifac: { readonly networkName: string | null; readonly size: number } | null;
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
  /** The `[plugins]` settings the node started with (plugins load at start only). */
  readonly plugins: PluginsSettings;
  /**
   * Whether the node serves each interface's transport tunables (`transport.<interface>.*`): a
   * reload applies their changes, in a section or in the `[reticulum]` defaults, live.
   */
  readonly transportTunables?: boolean;
  /** Parses sections and tells the live-setting startup values a parsed section gives. */
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
    if (!broken.has('plugins') && this.deps.plugins.modules.join(',') !== config.plugins.modules.join(',')) {
      restartNeeded.push(`[plugins] 'modules' changed; plugins load when the node starts`);
    }
    for (const name of next.keys()) {
      if (!running.has(name))
        restartNeeded.push(`interface '${name}' is not running; it starts at the next restart`);
    }
    for (const [name, entry] of running) {
      const updated = next.get(name);
      if (updated === undefined && broken.has(name)) continue;
      if (updated === undefined) {
        restartNeeded.push(
          `interface '${name}' is gone from the config or disabled; it runs until the next restart`,
        );
        continue;
      }
      try {
        this.compareSection(entry, updated, applied, restartNeeded);
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
    running: RunningSection,
    after: InterfaceSection,
    applied: ReloadedSetting[],
    restartNeeded: string[],
  ): void {
    const { id, section: before, runtimeConfig: live } = running;
    const name = before.name;
    if (after.typeName !== before.typeName || after.mode !== before.mode) {
      restartNeeded.push(
        `interface '${name}' changed type or mode (${after.typeName}, ${interfaceModeName(after.mode)}); ` +
          `that takes a restart`,
      );
      return;
    }
    const next = this.startupOf(after, id, after.params);
    const updates: ReloadedSetting[] = [];
    if (live !== undefined) {
      for (const [setting, value] of Object.entries(next)) {
        const current = live.get(setting);
        if (current !== undefined && current.startup !== value)
          updates.push({ key: `${live.keyPrefix}.${name}.${setting}`, value });
      }
    }
    if (this.deps.transportTunables === true) updates.push(...this.tunableUpdates(name, after));
    const previous = this.startupOf(before, id, before.params);
    // The node's own keys (transport settings, access code) are read only at start, but for the
    // transport tunables, applied above.
    const changed = [
      ...changedKeys(before.params, after.params).map((key) => ({ key, node: false })),
      ...changedKeys(before.nodeParams, after.nodeParams).map((key) => ({ key, node: true })),
    ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key, node } of changed) {
      if (node && this.deps.transportTunables === true && LIVE_TRANSPORT_KEYS.has(key)) continue;
      if (node || !this.movesRuntimeSetting(before, id, key, after.params[key], previous)) {
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
    const { settings } = readNodeInterfaceKeys(name, section.nodeParams, this.defaults);
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
    previous: RuntimeStartup,
  ): boolean {
    try {
      const alone = this.startupOf(section, id, withKey(section.params, key, value));
      return !sameStartup(alone, previous);
    } catch (err) {
      if (err instanceof ConfigError) return false;
      throw err;
    }
  }

  /**
   * The live-setting startup values an interface would start with from `params`, as its plugin
   * tells them for the parsed section (nothing is started); none when the plugin has no live
   * settings.
   */
  private startupOf(section: InterfaceSection, id: number, params: ConfigParams): RuntimeStartup {
    const factory = this.deps.registry.require(section.typeName, section.name);
    const config = factory.parseConfig(section.name, id, params);
    return factory.runtimeStartup?.(config) ?? {};
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

function sameStartup(a: RuntimeStartup, b: RuntimeStartup): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && a[key] === b[key]);
}
