#!/usr/bin/env node
// tsyringe needs the Reflect metadata polyfill before anything imports it.
import 'reflect-metadata';
import { defaultConfigDir } from '../node/config/config-loader';
import { processIo } from './cli-io';
import { runCli } from './cli-program';
import { runNode } from './commands/run-node';

/**
 * Ends the process with `code`: normally by letting the event loop drain (so buffered output
 * is flushed); a handle left open by mistake cannot keep it alive past the unref'd backstop.
 */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}

/** The `rns-net` command. */
void runCli(process.argv.slice(2), {
  io: processIo,
  defaultConfigDir: defaultConfigDir(),
  run: (options) => runNode(options, processIo),
}).then(
  (code) => finish(code),
  (err: unknown) => {
    processIo.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    finish(1);
  },
);
