import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LOG_FORMATS, LogFormat } from '../node/logging/log-format';
import { parseLoglevel } from '../node/logging/log-level';
import { CliExit, CliIo, ExitCode } from './cli-io';
import { withControlClient } from './commands/control-command';
import { listAllPaths } from './commands/list-paths';
import { listAllPeers } from './commands/list-peers';
import { renderConfigEntries } from './format/config-view';
import { renderPaths } from './format/paths-view';
import { renderPeers } from './format/peers-view';
import { printable } from './format/printable';
import { renderStatus } from './format/status-view';
import { parseConfigValue } from './parse-config-value';

/** What `rns-net run` was asked to do. */
export interface RunOptions {
  /** The config directory, absolute. */
  readonly configDir: string;
  /** `--loglevel`, overriding the config's `[logging] loglevel`. */
  readonly loglevel?: number;
  /** `--log-format`; when absent the node picks by whether stdout is a terminal. */
  readonly logFormat?: LogFormat;
}

/** What the program needs from its surroundings (injected so tests can run it in-process). */
export interface CliDeps {
  /** Output streams. */
  readonly io: CliIo;
  /** `--config` when not given (`~/.rns-net`). */
  readonly defaultConfigDir: string;
  /** Runs a node until it is stopped by a signal; resolves with the exit code. */
  run(options: RunOptions): Promise<ExitCode>;
}

function parseLoglevelOption(text: string): number {
  const level = parseLoglevel(text);
  if (level === undefined) throw new InvalidArgumentError('expected an integer 0..8 (Python RNS log levels)');
  return level;
}

function parseSeconds(text: string): number {
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('expected a positive number of seconds');
  return value;
}

function parseHexPrefix(text: string): string {
  const hex = text.trim().replace(/^<|>$/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(hex)) throw new InvalidArgumentError('expected 1 to 32 hex digits');
  return hex;
}

function parseDestinationHash(text: string): string {
  const hex = text.trim().replace(/^<|>$/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex))
    throw new InvalidArgumentError('expected a destination hash of 32 hex digits');
  return hex;
}

function parseHops(text: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 255)) throw new InvalidArgumentError('expected a hop count 0..255');
  return value;
}

/** Prints `value` as JSON (`--json`) or through `render`. */
function show<T>(io: CliIo, json: boolean | undefined, value: T, render: (v: T) => string): void {
  io.out(json === true ? JSON.stringify(value, null, 2) : render(value));
}

/**
 * Builds the `rns-net` program. Every command takes `--config DIR`; the control commands talk
 * to the node running for that directory over its control socket.
 */
export function buildProgram(deps: CliDeps): Command {
  const { io } = deps;
  const program = new Command('rns-net')
    .description('A Reticulum backbone node: relays packets between its interfaces.')
    .exitOverride()
    // A command's options are read only before its subcommand: `peers` and `peers blacklist`
    // both take --config, and each must see its own.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run with --help for usage)');

  const configOption = (): Option =>
    new Option('--config <dir>', 'config directory').default(deps.defaultConfigDir, deps.defaultConfigDir);
  const dirOf = (options: { config: string }): string => path.resolve(options.config);

  program
    .command('run')
    .description('run the node in the foreground until SIGINT or SIGTERM')
    .addOption(configOption())
    .option('--loglevel <n>', 'log level 0..8, overriding [logging] loglevel', parseLoglevelOption)
    .addOption(
      new Option('--log-format <format>', 'log format (default: pretty on a terminal, else json)').choices(
        LOG_FORMATS,
      ),
    )
    .action(async (options: { config: string; loglevel?: number; logFormat?: LogFormat }) => {
      const code = await deps.run({
        configDir: dirOf(options),
        ...(options.loglevel !== undefined ? { loglevel: options.loglevel } : {}),
        ...(options.logFormat !== undefined ? { logFormat: options.logFormat } : {}),
      });
      if (code !== ExitCode.Ok) throw new CliExit(code, '');
    });

  program
    .command('status')
    .description('show uptime, interfaces and relay counters of the running node')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (options: { config: string; json?: boolean }) => {
      const status = await withControlClient(dirOf(options), (c) => c.call('status', {}));
      show(io, options.json, status, renderStatus);
    });

  const peers = program
    .command('peers')
    .description('list per-IP peer state of listening interfaces, or change it')
    .argument('[interface]', 'only this interface')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (name: string | undefined, options: { config: string; json?: boolean }) => {
      const list = await withControlClient(dirOf(options), (c) => listAllPeers(c, name));
      show(io, options.json, list, (l) => renderPeers(l, name));
    });

  peers
    .command('blacklist')
    .description('blacklist an IP on an interface (and disconnect it)')
    .argument('<interface>', 'the listening interface')
    .argument('<ip>', 'the peer IP')
    .requiredOption('--for <seconds>', 'how long, in seconds', parseSeconds)
    .option('--reason <text>', 'why (shown in peers)')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(
      async (
        name: string,
        ip: string,
        options: { config: string; for: number; reason?: string; json?: boolean },
      ) => {
        const result = await withControlClient(dirOf(options), (c) =>
          c.call('peers.blacklist', {
            interface: name,
            ip,
            durationSecs: options.for,
            ...(options.reason !== undefined ? { reason: options.reason } : {}),
          }),
        );
        show(
          io,
          options.json,
          result,
          (r) => `blacklisted ${printable(ip)} on '${printable(name)}' for ${r.durationSecs} s`,
        );
      },
    );

  peers
    .command('clear')
    .description("forget an IP's state on an interface (lifting its blacklist)")
    .argument('<interface>', 'the listening interface')
    .argument('<ip>', 'the peer IP')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (name: string, ip: string, options: { config: string; json?: boolean }) => {
      const result = await withControlClient(dirOf(options), (c) =>
        c.call('peers.clear', { interface: name, ip }),
      );
      show(io, options.json, result, () => `cleared ${printable(ip)} on '${printable(name)}'`);
    });

  const paths = program
    .command('paths')
    .description('list the path table of the running transport node, or drop a path')
    .option(
      '--destination <hex>',
      'only destinations whose hash starts with these hex digits',
      parseHexPrefix,
    )
    .option('--interface <name>', 'only paths via this interface (a listener: via its peers)')
    .option('--max-hops <n>', 'only paths of at most this many hops', parseHops)
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(
      async (options: {
        config: string;
        json?: boolean;
        destination?: string;
        interface?: string;
        maxHops?: number;
      }) => {
        const list = await withControlClient(dirOf(options), (c) =>
          listAllPaths(c, {
            ...(options.destination !== undefined ? { destination: options.destination } : {}),
            ...(options.interface !== undefined ? { interface: options.interface } : {}),
            ...(options.maxHops !== undefined ? { maxHops: options.maxHops } : {}),
          }),
        );
        show(io, options.json, list, (l) => renderPaths(l, Date.now()));
      },
    );

  paths
    .command('drop')
    .description('forget the path to a destination (it is learnt again from its next announce)')
    .argument('<hash>', 'the destination hash (32 hex digits)', parseDestinationHash)
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (hash: string, options: { config: string; json?: boolean }) => {
      const result = await withControlClient(dirOf(options), (c) =>
        c.call('paths.drop', { destination: hash }),
      );
      show(io, options.json, result, () => `dropped the path to ${hash}`);
    });

  const config = program
    .command('config')
    .description('list, read, change or reset runtime-config settings of the running node');

  config
    .command('list')
    .description('every setting: value, startup value, source and when a change applies')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (options: { config: string; json?: boolean }) => {
      const entries = await withControlClient(dirOf(options), (c) => c.call('config.list', {}));
      show(io, options.json, entries, renderConfigEntries);
    });

  config
    .command('get')
    .description('one setting')
    .argument('<key>', 'for example backbone.<interface>.idle_timeout_secs')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (key: string, options: { config: string; json?: boolean }) => {
      const entry = await withControlClient(dirOf(options), (c) => c.call('config.get', { key }));
      show(io, options.json, entry, (e) => renderConfigEntries([e]));
    });

  config
    .command('set')
    .description('change a setting (a number, true/false/null, or else a string)')
    .argument('<key>', 'the setting')
    .argument('<value>', 'the new value')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (key: string, value: string, options: { config: string; json?: boolean }) => {
      const entry = await withControlClient(dirOf(options), (c) =>
        c.call('config.set', { key, value: parseConfigValue(value) }),
      );
      show(io, options.json, entry, (e) => renderConfigEntries([e]));
    });

  config
    .command('reset')
    .description("restore a setting's startup value")
    .argument('<key>', 'the setting')
    .addOption(configOption())
    .option('--json', 'print the raw result as JSON')
    .action(async (key: string, options: { config: string; json?: boolean }) => {
      const entry = await withControlClient(dirOf(options), (c) => c.call('config.reset', { key }));
      show(io, options.json, entry, (e) => renderConfigEntries([e]));
    });

  return program;
}

/**
 * Runs `rns-net` with `argv` (the arguments after the program name) and resolves with the exit
 * code: 0 ok, 1 an error from the node (or no node running), 2 a usage error.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CliExit) {
      // Its message may quote what the node said, and that may quote a peer.
      if (err.message.length > 0) deps.io.err(printable(err.message));
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help/version text).
      const benign = ['commander.helpDisplayed', 'commander.version'];
      return benign.includes(err.code) ? ExitCode.Ok : ExitCode.Usage;
    }
    deps.io.err(`error: ${printable(err instanceof Error ? err.message : String(err))}`);
    return ExitCode.Error;
  }
}
