import { split } from 'shlex';
import { InterfaceId } from '../../core/interface-id';
import { secondsToMs } from '../../net/seconds-to-ms';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import { DEFAULT_RESPAWN_DELAY_SECS } from './pipe-constants';

/** A parsed `PipeInterface` section. */
export interface PipeConfig {
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** The command as written, for logs. */
  readonly command: string;
  /** The program and its arguments, split as a POSIX shell would split the line; no shell runs. */
  readonly argv: readonly [string, ...string[]];
  /** Wait before a child that ended (or could not start again) is started again, in ms. */
  readonly respawnDelayMs: number;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys: readonly string[];
}

/**
 * Parses a `PipeInterface` section with Python's keys and rules: `command` is required and split
 * like a shell line (quotes, backslashes; Python's `shlex.split`), then run without a shell;
 * `respawn_delay` is a float of seconds, default 5.
 *
 * @throws {@link ConfigError} naming the section and key when a value cannot be used.
 */
export function parsePipeConfig(name: string, id: InterfaceId, params: ConfigParams): PipeConfig {
  const reader = new ConfigParamReader(name, params);
  const command = reader.string('command');
  if (command === undefined)
    throw reader.error('command', 'is required: no command specified for PipeInterface');
  let words: string[];
  try {
    words = split(command);
  } catch (err) {
    throw reader.error('command', `cannot be split into words: ${(err as Error).message}`);
  }
  const [program, ...args] = words;
  if (program === undefined || program.length === 0)
    throw reader.error('command', 'must name a program to run');
  const respawnDelaySecs = reader.seconds('respawn_delay') ?? DEFAULT_RESPAWN_DELAY_SECS;
  return {
    name,
    id,
    command,
    argv: [program, ...args],
    respawnDelayMs: secondsToMs(respawnDelaySecs),
    unknownKeys: reader.unusedKeys(),
  };
}
