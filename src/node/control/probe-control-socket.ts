import { promises as fs } from 'node:fs';
import net from 'node:net';
import { openUnixSocketAddress } from './unix-socket-address';

/**
 * What is at a control socket path: `live` (a node accepted a connection), `stale` (a socket file
 * nobody listens on, left by a node that crashed) or `absent`.
 */
export type ControlSocketState = 'live' | 'stale' | 'absent';

/**
 * Probes a control socket path by connecting to it. A connect that neither succeeds nor fails
 * within `timeoutMs` counts as `live`: a busy node must not have its socket removed.
 *
 * @throws when the path exists but is not a socket, or cannot be probed (for example EACCES).
 */
export async function probeControlSocket(socketPath: string, timeoutMs = 2000): Promise<ControlSocketState> {
  let stat;
  try {
    stat = await fs.lstat(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket; remove it`);
  const address = await openUnixSocketAddress(socketPath);
  try {
    return await connectOnce(address.path, timeoutMs);
  } finally {
    await address.release();
  }
}

function connectOnce(address: string, timeoutMs: number): Promise<ControlSocketState> {
  return new Promise<ControlSocketState>((resolve, reject) => {
    const socket = net.createConnection(address);
    const timer = setTimeout(() => done(undefined, 'live'), timeoutMs);
    function done(err: Error | undefined, state?: ControlSocketState): void {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(state ?? 'live');
    }
    socket.once('connect', () => done(undefined, 'live'));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done(undefined, 'stale');
      else if (err.code === 'ENOENT') done(undefined, 'absent');
      else done(err);
    });
  });
}
