import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { RnsError } from '../../core/errors';
import { RNS_ERR_SOCKET_PATH_TOO_LONG } from '../../core/error-codes';

/**
 * The longest socket path, in bytes, a Unix socket address holds: `sun_path` less its NUL (108
 * bytes on Linux, 104 on macOS and the BSDs). A longer path given to bind() or connect() is cut
 * short silently, so a node would listen on a truncated, wrong path.
 */
export const MAX_UNIX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** Where Linux names the open files of the calling process. */
const PROC_SELF_FD = '/proc/self/fd';

/** A socket path is too long to bind or connect to on this system. */
export class SocketPathTooLongError extends RnsError {
  constructor(
    /** The path that does not fit. */
    readonly socketPath: string,
  ) {
    super(
      RNS_ERR_SOCKET_PATH_TOO_LONG,
      `the control socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes, and Unix sockets ` +
        `allow at most ${MAX_UNIX_SOCKET_PATH_BYTES} on this system; use a config directory with a ` +
        `shorter path (--config DIR, for example ~/.rns-net)`,
    );
    this.name = 'SocketPathTooLongError';
  }
}

/** A path to bind or connect to that reaches a socket path; {@link release} when done with it. */
export interface UnixSocketAddress {
  /** The path to hand to `listen()` or `connect()`. */
  readonly path: string;
  /** Frees what the address holds (a directory descriptor); idempotent. */
  release(): Promise<void>;
}

/**
 * The address of `socketPath`. A path that fits is used as it is. A longer one is reached through
 * its directory: the directory is opened and the socket named `/proc/self/fd/<fd>/<name>`, a path
 * of some 30 bytes that the kernel resolves to the same file (Linux). The descriptor must stay
 * open while the address is in use; a server keeps it until it has closed, because Node removes
 * the socket file through the same path then. Without /proc the long path is refused with
 * {@link SocketPathTooLongError} before anything is created.
 *
 * @param options.useProcFd - reach long paths through /proc (default: whether /proc/self/fd exists).
 */
export async function openUnixSocketAddress(
  socketPath: string,
  options: { useProcFd?: boolean } = {},
): Promise<UnixSocketAddress> {
  if (Buffer.byteLength(socketPath) <= MAX_UNIX_SOCKET_PATH_BYTES) {
    return { path: socketPath, release: async () => undefined };
  }
  const useProcFd = options.useProcFd ?? (await exists(PROC_SELF_FD));
  if (!useProcFd) throw new SocketPathTooLongError(socketPath);
  const dir = await fs.open(path.dirname(socketPath), constants.O_RDONLY | constants.O_DIRECTORY);
  let released = false;
  return {
    path: `${PROC_SELF_FD}/${dir.fd}/${path.basename(socketPath)}`,
    release: async () => {
      if (released) return;
      released = true;
      await dir.close();
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
