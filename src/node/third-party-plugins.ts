import path from 'node:path';
import { ConfigError } from '../core/errors';
import { loadPluginFile, loadPluginModule, LoadedPlugin, pluginFilesIn } from '../registry/plugin-loader';
import { PluginsSettings } from './config/plugins-section';

/** The folder of a config directory that holds plugin files, as Python's `interfaces/`. */
export const PLUGIN_FOLDER = 'interfaces';

/** What {@link loadThirdPartyPlugins} found. */
export interface ThirdPartyPlugins {
  /** The plugins that loaded and passed the checks, files first, then modules, in order. */
  readonly loaded: readonly LoadedPlugin[];
  /** One error per plugin left out, naming its file (or config line and module) and the problem. */
  readonly errors: readonly ConfigError[];
}

/**
 * Loads the third-party interface plugins of a config directory: every `.js`, `.mjs` and `.cjs`
 * file in `DIR/interfaces` (each named after the type it serves), then the npm packages
 * `[plugins] modules` names (resolved from DIR, then from the node). A plugin that does not
 * load, is not a valid factory, or claims a type name already taken (by a bundled plugin or an
 * earlier one) is left out with an error; the others load regardless.
 *
 * A plugin that exports a function gets the running node's `rns-net` API, as Python hands `RNS`
 * to its interface files: a plugin file then needs no copy of rns-net of its own.
 *
 * @param taken - the type names already registered (the bundled plugins').
 */
export async function loadThirdPartyPlugins(
  configDir: string,
  settings: PluginsSettings,
  configFile: string,
  taken: readonly string[],
): Promise<ThirdPartyPlugins> {
  const host = hostApi();
  const loaded: LoadedPlugin[] = [];
  const errors: ConfigError[] = [];
  const owners = new Map<string, string>(taken.map((name) => [name, 'a bundled plugin']));
  const accept = (plugin: LoadedPlugin, where: ConstructorParameters<typeof ConfigError>[1]): void => {
    const { typeName } = plugin.factory;
    const owner = owners.get(typeName);
    if (owner !== undefined) {
      errors.push(
        new ConfigError(`interface type '${typeName}' is already served by ${owner}; left out`, where),
      );
      return;
    }
    owners.set(typeName, plugin.file);
    loaded.push(plugin);
  };

  let files: string[] = [];
  try {
    files = await pluginFilesIn(path.join(configDir, PLUGIN_FOLDER));
  } catch (err) {
    errors.push(err as ConfigError);
  }
  for (const file of files) {
    try {
      accept(await loadPluginFile(file, host), { file });
    } catch (err) {
      errors.push(asConfigError(err, { file }));
    }
  }
  for (const name of settings.modules) {
    const where = { file: configFile, line: settings.line, section: 'plugins', key: 'modules' };
    try {
      accept(await loadPluginModule(name, configDir, host, where), where);
    } catch (err) {
      errors.push(asConfigError(err, where));
    }
  }
  return { loaded, errors };
}

/**
 * The package root of the running node, loaded when plugins load rather than imported: the root
 * re-exports the node, so a static import here would be a cycle.
 */
function hostApi(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../index') as unknown;
}

function asConfigError(err: unknown, where: ConstructorParameters<typeof ConfigError>[1]): ConfigError {
  if (err instanceof ConfigError) return err;
  return new ConfigError(err instanceof Error ? err.message : String(err), where, { cause: err });
}
