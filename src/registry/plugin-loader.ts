import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors';
import { factoryProblem } from './factory-check';
import { InterfaceFactory } from './interface-factory';

/** The file extensions of plugin files: JavaScript as Node runs it, CommonJS or ES module. */
export const PLUGIN_FILE_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs'];

/** An npm package name (optionally scoped), as `[plugins] modules` lists them. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** Where a plugin came from and what it registers. */
export interface LoadedPlugin {
  /** The factory, checked with {@link factoryProblem}. */
  readonly factory: InterfaceFactory;
  /** The file it was loaded from (a module's resolved entry file). */
  readonly file: string;
}

/** Where an error about a plugin points: the plugin file, or the config key that named a module. */
export type PluginErrorPlace = ConstructorParameters<typeof ConfigError>[1];

/**
 * The plugin files of a folder (`DIR/interfaces`), sorted by name: every `.js`, `.mjs` and
 * `.cjs` file directly in it. None when the folder does not exist.
 *
 * @throws {@link ConfigError} naming the folder when it exists but cannot be read.
 */
export async function pluginFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read the plugin folder: ${messageOf(err)}`, { file: dir }, { cause: err });
  }
  return names
    .filter((name) => PLUGIN_FILE_EXTENSIONS.includes(path.extname(name)))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Loads a plugin file, as Python loads `{type}.py` from its `interfaces/` folder: the file is
 * named after the type it serves (`FooInterface.js` serves `type = FooInterface`).
 *
 * @param host - what a plugin that exports a function gets (the running node's `rns-net`).
 * @throws {@link ConfigError} naming the file and what is wrong: it does not load, exports no
 *   factory, the factory is not valid ({@link factoryProblem}), or it serves another type name.
 */
export async function loadPluginFile(file: string, host: unknown): Promise<LoadedPlugin> {
  const where = { file };
  const factory = await factoryFrom(file, host, where, 'the file');
  const expected = path.basename(file, path.extname(file));
  if (factory.typeName !== expected) {
    throw new ConfigError(
      `serves interface type '${factory.typeName}', but a plugin file is named after its type: ` +
        `rename it to ${factory.typeName}${path.extname(file)}`,
      where,
    );
  }
  return { factory, file };
}

/**
 * Loads an npm package that exports an interface factory, resolved from the config directory
 * first (`DIR/node_modules`, as `npm install` there puts it), then from the node's own
 * installation.
 *
 * @param where - the config key that names the module, for errors.
 * @throws {@link ConfigError} at `where`, naming the module and what is wrong: not a package
 *   name, not found (saying where it looked), does not load, or exports no valid factory.
 */
export async function loadPluginModule(
  name: string,
  configDir: string,
  host: unknown,
  where: PluginErrorPlace,
): Promise<LoadedPlugin> {
  if (!PACKAGE_NAME.test(name)) {
    throw new ConfigError(`'${name}' is not an npm package name (such as rns-foo or @scope/rns-foo)`, where);
  }
  const file = resolveModule(name, [configDir, __dirname], where);
  return { factory: await factoryFrom(file, host, where, `module '${name}'`), file };
}

/** The entry file of package `name`, resolved from the first of `dirs` that has it. */
function resolveModule(name: string, dirs: readonly string[], where: PluginErrorPlace): string {
  for (const dir of dirs) {
    try {
      return createRequire(path.join(dir, 'package.json')).resolve(name);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
        throw new ConfigError(
          `module '${name}' cannot be resolved (${messageOf(err)}): its package.json needs "main", ` +
            `or "exports" with a "default" or "require" condition`,
          where,
          { cause: err },
        );
      }
      if (code !== 'MODULE_NOT_FOUND') {
        throw new ConfigError(`module '${name}' cannot be resolved: ${messageOf(err)}`, where, {
          cause: err,
        });
      }
    }
  }
  throw new ConfigError(
    `module '${name}' is not installed in ${dirs[0]} nor where the node runs from; ` +
      `install it with npm install ${name} in ${dirs[0]}`,
    where,
  );
}

/**
 * Imports `file` and takes the factory it exports: its default export (`module.exports` of a
 * CommonJS file, `export default` of an ES module) is either the factory object, or a function
 * that gets `host` and returns one (or a promise of one).
 */
async function factoryFrom(
  file: string,
  host: unknown,
  where: PluginErrorPlace,
  what: string,
): Promise<InterfaceFactory> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${what} does not load: ${messageOf(err)}`, where, { cause: err });
  }
  let exported = defaultExport(namespace);
  if (typeof exported === 'function') {
    if (/^class\b/.test(Function.prototype.toString.call(exported))) {
      throw new ConfigError(
        `${what} exports a class; export an instance (module.exports = new MyFactory()) ` +
          `or a function (rns) => factory`,
        where,
      );
    }
    try {
      exported = await (exported as (host: unknown) => unknown)(host);
    } catch (err) {
      throw new ConfigError(`the function ${what} exports threw: ${messageOf(err)}`, where, { cause: err });
    }
  }
  if (exported === undefined) {
    throw new ConfigError(
      `${what} exports no interface factory: set module.exports (or export default) to a factory ` +
        `object, or to a function (rns) => factory`,
      where,
    );
  }
  const problem = factoryProblem(exported);
  if (problem !== undefined) throw new ConfigError(`the interface factory of ${what} ${problem}`, where);
  return exported as InterfaceFactory;
}

/**
 * A module's default export. TypeScript compiles `export default x` to CommonJS as
 * `exports.default = x`, which `import()` nests one level deeper: that is unwrapped too.
 */
function defaultExport(namespace: Record<string, unknown>): unknown {
  const value = namespace['default'];
  if (typeof value === 'object' && value !== null && !('typeName' in value) && 'default' in value) {
    return (value as { default: unknown }).default;
  }
  return value;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
