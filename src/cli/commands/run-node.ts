import { rmSync } from 'node:fs';
import { RnsError } from '../../core/errors';
import { controlSocketPath } from '../../node/control/control-socket-path';
import { resolveLogFormat } from '../../node/logging/log-format';
import { DEFAULT_LOGLEVEL } from '../../node/logging/log-level';
import { createNodeLogger } from '../../node/logging/pino-logger';
import { RnsNode } from '../../node/rns-node';
import { warmUp } from '../../node/warm-up';
import { CliIo, ExitCode } from '../cli-io';
import { RunOptions } from '../cli-program';
import { NodeSignals } from './node-signals';
import { keepYoungGenerationSmall, limitHeapGrowth } from '../heap-settings';

/**
 * How long a stop may take after SIGINT/SIGTERM before the process exits anyway. A transport
 * node writes its tables at stop: 131,072 paths with their known destinations took 5.1 s on a
 * loaded 2-core machine (bench/transport-memory.ts), so 5 s would cut that write short.
 */
export const HARD_EXIT_AFTER_MS = 30_000;

/**
 * `rns-net run`: starts a node and keeps it running until SIGINT or SIGTERM, then stops it
 * (stop accepting, close every interface, remove the control socket) and resolves with 0.
 * A failed start resolves with 1 after printing why. SIGHUP re-reads the config file (see
 * {@link RnsNode.reload}). A second stop signal is logged and waits for the clean stop; a third,
 * or a stop that takes longer than {@link HARD_EXIT_AFTER_MS}, exits the process at once with 1
 * (the socket file is removed first, so the next start does not have to detect it as stale).
 * Unless `--no-warm-up`, the relay path is then warmed up on a private loopback node
 * ({@link warmUp}, about a second), so real traffic meets compiled code.
 */
export async function runNode(options: RunOptions, io: CliIo): Promise<ExitCode> {
  const terminal = process.stdout.isTTY === true;
  const format = resolveLogFormat(options.logFormat, terminal);
  const logger = createNodeLogger({
    loglevel: options.loglevel ?? DEFAULT_LOGLEVEL,
    format,
    colorize: terminal,
  });
  let node: RnsNode | undefined;
  const forceExit = (why: string): void => {
    logger.error(`${why}; exiting without a clean stop`);
    // Only a node that started owns the socket; a refused second node must not remove it.
    if (node !== undefined) rmSync(controlSocketPath(options.configDir), { force: true });
    process.exit(ExitCode.Error);
  };
  // Handle signals before starting, so one that arrives while interfaces start still ends in a
  // clean stop instead of the default action (which would leave the socket behind).
  const signals = new NodeSignals(process, logger, forceExit);
  // Before any traffic (the warm-up's included) grows it.
  if (keepYoungGenerationSmall()) logger.debug('young generation kept at its start size');
  try {
    node = await RnsNode.start({
      configDir: options.configDir,
      logger,
      logOutput: logger.output,
      onConfigLoaded: (config) => {
        if (options.loglevel === undefined) logger.setLoglevel(config.logging.level);
      },
    });
  } catch (err) {
    signals.dispose();
    const message = err instanceof Error ? err.message : String(err);
    logger.error('node failed to start', {
      error: message,
      code: err instanceof RnsError ? err.code : undefined,
    });
    io.err(`error: ${message}`);
    return ExitCode.Error;
  }
  const running = node;
  if (running.forwarding.mode === 'transport' && limitHeapGrowth()) {
    logger.debug('old generation growth limited for the transport tables');
  }
  // After the start: the real node's objects then exist when the warm-up's code is compiled, so
  // V8 does not throw that code away (and compile it again under the first real traffic) when
  // the real node's instances differ from the private node's in field types.
  signals.running(() => running.reload());
  if (options.warmUp !== false) {
    const stopping = new AbortController();
    void signals.stopRequested.then(() => stopping.abort());
    const warm = await warmUp({ signal: stopping.signal });
    logger.info('relay path warmed up', { ...warm });
  }

  const signal = await signals.stopRequested;
  logger.info('signal received, stopping', { signal });
  const hardExit = setTimeout(
    () => forceExit(`stop took longer than ${HARD_EXIT_AFTER_MS} ms`),
    HARD_EXIT_AFTER_MS,
  );
  hardExit.unref();
  try {
    await running.stop();
  } finally {
    clearTimeout(hardExit);
  }
  // The handlers stay until the process exits: a late second signal is only logged.
  return ExitCode.Ok;
}
