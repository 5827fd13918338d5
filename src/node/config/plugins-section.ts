import { ConfigError } from '../../core/errors';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';

/** The `[plugins]` section: third-party interface plugins published as npm packages. */
export interface PluginsSettings {
  /** `modules`: the packages to load, in order (none by default). */
  readonly modules: readonly string[];
  /** The line of `modules`, else of the `[plugins]` marker, for errors about a module. */
  readonly line: number | undefined;
}

/** No `[plugins]` section: no modules. */
export const NO_PLUGINS: PluginsSettings = Object.freeze({ modules: Object.freeze([]), line: undefined });

/**
 * Reads `[plugins]`: `modules = a, b` names npm packages that each export an interface factory
 * (loaded at start, see `loadThirdPartyPlugins`). Other keys get a notice; a module named twice
 * is an error naming file, line, section and key, and is loaded once.
 */
export function readPluginsSection(
  params: ConfigParams,
  where: { readonly file: string; readonly line: number; readonly lines: ReadonlyMap<string, number> },
  errors: ConfigError[],
  notices: string[],
): PluginsSettings {
  const reader = new ConfigParamReader('plugins', params);
  const line = where.lines.get('modules') ?? where.line;
  const modules: string[] = [];
  for (const name of reader.list('modules') ?? []) {
    if (modules.includes(name)) {
      errors.push(reader.error('modules', `module '${name}' is listed twice`).at(where.file, line));
    } else {
      modules.push(name);
    }
  }
  for (const key of reader.unusedKeys()) {
    notices.push(
      `${where.file}:${where.lines.get(key) ?? where.line}: [plugins] '${key}' is not used by rns-net; ignored`,
    );
  }
  return Object.freeze({ modules: Object.freeze(modules), line });
}
