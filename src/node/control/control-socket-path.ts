import path from 'node:path';

/** The control socket's file name inside the config directory. */
export const CONTROL_SOCKET_NAME = 'control.sock';

/** The control socket of the node running for `configDir`. */
export function controlSocketPath(configDir: string): string {
  return path.join(path.resolve(configDir), CONTROL_SOCKET_NAME);
}
