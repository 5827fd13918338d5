import { rmSync } from 'node:fs';
import { RnsError } from '../../core/errors';
import { controlSocketPath } from '../../node/control/control-socket-path';
import { resolveLogFormat } from '../../node/logging/log-format';
import { DEFAULT_LOGLEVEL } from '../../node/logging/log-level';
import { createNodeLogger } from '../../node/logging/pino-logger';
import { RnsNode } from '../../node/rns-node';
import { CliIo, ExitCode } from '../cli-io';
import { RunOptions } from '../cli-program';

/** How long a stop may take after SIGINT/SIGTERM before the process exits anyway. */
export const HARD_EXIT_AFTER_MS = 5000;

/**
 * `rns-net run`: starts a node and keeps it running until SIGINT or SIGTERM, then stops it
 * (stop accepting, close every interface, remove the control socket) and resolves with 0.
 * A failed start resolves with 1 after printing why. A second signal, or a stop that takes
 * longer than {@link HARD_EXIT_AFTER_MS}, exits the process at once with 1 (the socket file is
 * removed first, so the next start does not have to detect it as stale).
 */
export async function runNode(options: RunOptions, io: CliIo): Promise<ExitCode> {
  const terminal = process.stdout.isTTY === true;
  const format = resolveLogFormat(options.logFormat, terminal);
  const logger = createNodeLogger({
    loglevel: options.loglevel ?? DEFAULT_LOGLEVEL,
    format,
    colorize: terminal,
  });
  // Listen for signals before starting, so one that arrives while interfaces start still ends
  // in a clean stop instead of the default action (which would leave the socket behind).
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let node: RnsNode;
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
    const message = err instanceof Error ? err.message : String(err);
    logger.error('node failed to start', {
      error: message,
      code: err instanceof RnsError ? err.code : undefined,
    });
    io.err(`error: ${message}`);
    return ExitCode.Error;
  }

  const signal = await signalled;
  logger.info('signal received, stopping', { signal });
  const forceExit = (why: string): never => {
    logger.error(`${why}; exiting without a clean stop`);
    rmSync(controlSocketPath(options.configDir), { force: true });
    process.exit(ExitCode.Error);
  };
  const hardExit = setTimeout(
    () => forceExit(`stop took longer than ${HARD_EXIT_AFTER_MS} ms`),
    HARD_EXIT_AFTER_MS,
  );
  hardExit.unref();
  const again = (): void => forceExit('second signal received');
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  try {
    await node.stop();
  } finally {
    clearTimeout(hardExit);
    process.off('SIGINT', again);
    process.off('SIGTERM', again);
  }
  return ExitCode.Ok;
}
