import { lstat, mkdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors';
import { DEFAULT_CONFIG_TEXT } from './default-config';
import { parseNodeConfig, type NodeConfig } from './node-config';

/** The name of the config file inside the config directory (as in Python RNS). */
export const CONFIG_FILE_NAME = 'config';

/** The config directory used when none is given: `~/.rns-net`. */
export function defaultConfigDir(): string {
  return join(homedir(), '.rns-net');
}

/** Options of {@link loadNodeConfig}. */
export interface LoadNodeConfigOptions {
  /** Write {@link DEFAULT_CONFIG_TEXT} when `<dir>/config` is missing (default true). */
  readonly createDefault?: boolean;
}

/** What {@link loadNodeConfig} found. */
export interface LoadedNodeConfig {
  /** The interpreted config. */
  readonly config: NodeConfig;
  /** Whether the default config was written just now. */
  readonly created: boolean;
}

/**
 * Reads and interprets `<dir>/config`. When it does not exist and `createDefault` is not
 * false, creates `dir` (mode 0700: it will also hold the control socket) and writes the
 * embedded default there first (mode 0600, never replacing a file that appeared meanwhile).
 * Throws a {@link ConfigError} naming the file when it cannot be read, written or parsed;
 * section-level problems are returned in `config.errors` instead.
 */
export async function loadNodeConfig(
  dir: string,
  options: LoadNodeConfigOptions = {},
): Promise<LoadedNodeConfig> {
  const file = join(dir, CONFIG_FILE_NAME);
  let text = await readConfigFile(file);
  let created = false;
  if (text === undefined) {
    await refuseDanglingLinks(dir, file);
    if (options.createDefault === false) {
      throw new ConfigError('no config file found (and writing the default one was turned off)', { file });
    }
    created = await writeDefault(dir, file);
    text = await readConfigFile(file);
    if (text === undefined)
      throw new ConfigError('the config file disappeared right after it was written', { file });
  }
  return { config: parseNodeConfig(text, file), created };
}

/** The file's text, or undefined when it (or its directory) does not exist. */
async function readConfigFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the config file: ${errorMessage(e)}`, { file }, { cause: e });
  }
}

/**
 * A missing config that is a symbolic link to nothing (or lies in a directory that is one) is
 * an operator's mistake to point out, not a file to create: writing the default through the link
 * would fail with a confusing message, or create a file the operator did not mean.
 */
async function refuseDanglingLinks(dir: string, file: string): Promise<void> {
  const fileTarget = await danglingLinkTarget(file);
  if (fileTarget !== undefined) {
    throw new ConfigError(
      `the config file is a symbolic link to '${fileTarget}', which does not exist; fix the link or remove it`,
      { file },
    );
  }
  const dirTarget = await danglingLinkTarget(dir);
  if (dirTarget !== undefined) {
    throw new ConfigError(
      `the config directory ${dir} is a symbolic link to '${dirTarget}', which does not exist; ` +
        `create that directory or fix the link`,
      { file },
    );
  }
}

/** The target of `path` when it is a symbolic link that leads nowhere; else undefined. */
async function danglingLinkTarget(path: string): Promise<string | undefined> {
  try {
    if (!(await lstat(path)).isSymbolicLink()) return undefined;
    await stat(path);
    return undefined;
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') return undefined;
  }
  return readlink(path).catch(() => undefined);
}

/** Writes the default config; false when another process wrote a config first. */
async function writeDefault(dir: string, file: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a config, even one written between our read and this write.
    await writeFile(file, DEFAULT_CONFIG_TEXT, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw new ConfigError(`cannot write the default config: ${errorMessage(e)}`, { file }, { cause: e });
  }
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
