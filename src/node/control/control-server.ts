import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Clock, systemClock } from '../../core/clock';
import { Logger, silentLogger } from '../../core/logger';
import { ControlConnection, ControlConnectionLimits } from './control-connection';
import { dispatchControlRequest } from './control-dispatcher';
import { NodeAlreadyRunningError } from './control-errors';
import {
  ControlOutcome,
  ControlRequestId,
  ControlResponse,
  MAX_CONTROL_REQUEST_BYTES,
  MAX_CONTROL_RESPONSE_BYTES,
} from './control-protocol';
import { ControlTarget } from './control-target';
import { probeControlSocket } from './probe-control-socket';
import { openUnixSocketAddress, UnixSocketAddress } from './unix-socket-address';

/** Options of {@link ControlServer.open}. */
export interface ControlServerOptions {
  /** The socket path, `<config dir>/control.sock`. */
  readonly socketPath: string;
  /** The config directory, for messages. */
  readonly configDir: string;
  /**
   * What the endpoint serves. May be given later with {@link ControlServer.serve}: the node opens
   * the socket first (it is the lock) and until then requests are answered `unsupported`.
   */
  readonly target?: ControlTarget;
  /** Where failures and refused connections are logged. */
  readonly logger?: Logger;
  /** Time and timers (the idle timeout, the refusal grace). Default: the system clock. */
  readonly clock?: Clock;
  /** Longest request line, in bytes (default {@link MAX_CONTROL_REQUEST_BYTES}). */
  readonly maxRequestBytes?: number;
  /** Longest response line, in bytes (default {@link MAX_CONTROL_RESPONSE_BYTES}). */
  readonly maxResponseBytes?: number;
  /** Answer bytes that may wait unsent before a connection's requests wait too (default 64 KiB). */
  readonly outputHighWaterBytes?: number;
  /** Close a connection without progress for this long, in ms (default 60 s; 0: never). */
  readonly idleTimeoutMs?: number;
  /**
   * Simultaneous client connections served (default 32). One more is answered
   * `too_many_connections` and closed; past twice as many, connections are closed unanswered.
   */
  readonly maxConnections?: number;
}

/** Default of {@link ControlServerOptions.maxConnections}. */
export const DEFAULT_MAX_CONTROL_CONNECTIONS = 32;

/** Default of {@link ControlServerOptions.idleTimeoutMs}. */
export const DEFAULT_CONTROL_IDLE_TIMEOUT_MS = 60_000;

/** How long a refused client may take to read its answer before its connection is closed. */
const REFUSAL_GRACE_MS = 1000;

/** Access for the node's user only: the socket changes runtime config and blacklists peers. */
const SOCKET_MODE = 0o600;

/**
 * The node's control endpoint: a Unix domain socket in the config directory (never a network
 * port), mode 0600, speaking newline-delimited JSON (see `control-protocol.ts`).
 *
 * The socket doubles as the node's lock: {@link open} refuses to start when another node answers
 * on it, and removes a stale socket file that nobody answers on.
 */
export class ControlServer {
  private readonly connections = new Set<net.Socket>();
  private readonly refusing = new Set<net.Socket>();
  private readonly limits: ControlConnectionLimits;
  private readonly clock: Clock;
  private closing: Promise<void> | undefined;
  private target: ControlTarget | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly address: UnixSocketAddress,
    private readonly options: ControlServerOptions,
    private readonly logger: Logger,
  ) {
    this.target = options.target;
    this.clock = options.clock ?? systemClock;
    this.limits = {
      maxRequestBytes: options.maxRequestBytes ?? MAX_CONTROL_REQUEST_BYTES,
      maxResponseBytes: options.maxResponseBytes ?? MAX_CONTROL_RESPONSE_BYTES,
      outputHighWaterBytes: options.outputHighWaterBytes ?? 64 * 1024,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_CONTROL_IDLE_TIMEOUT_MS,
      requestsPerTurn: 64,
    };
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (err) => this.logger.error('control socket error', { error: err.message }));
  }

  /** Starts serving `target` (requests before this get `unsupported`). */
  serve(target: ControlTarget): void {
    this.target = target;
  }

  /** The socket path served. */
  get socketPath(): string {
    return this.options.socketPath;
  }

  /**
   * Starts serving. Rejects with {@link NodeAlreadyRunningError} when another node answers on the
   * socket; removes a stale socket file first.
   */
  static async open(options: ControlServerOptions): Promise<ControlServer> {
    const logger = options.logger ?? silentLogger;
    const state = await probeControlSocket(options.socketPath);
    if (state === 'live') throw new NodeAlreadyRunningError(options.socketPath, options.configDir);
    if (state === 'stale') {
      logger.warn('removing stale control socket', { path: options.socketPath });
      await fs.rm(options.socketPath, { force: true });
    }
    await fs.mkdir(path.dirname(options.socketPath), { recursive: true });
    const address = await openUnixSocketAddress(options.socketPath);
    const server = net.createServer({ allowHalfOpen: false });
    try {
      await listen(server, address.path, options);
      await fs.chmod(options.socketPath, SOCKET_MODE);
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await address.release();
      throw err;
    }
    return new ControlServer(server, address, options, logger);
  }

  /**
   * Stops accepting, closes every client connection and removes the socket file. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of [...this.connections, ...this.refusing]) socket.destroy();
      await closed;
      await this.address.release();
      // server.close() unlinks the socket file on Linux; this covers platforms that do not.
      await fs.rm(this.options.socketPath, { force: true });
    })();
    return this.closing;
  }

  private accept(socket: net.Socket): void {
    socket.on('error', (err) => this.logger.debug('control connection error', { error: err.message }));
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const max = this.options.maxConnections ?? DEFAULT_MAX_CONTROL_CONNECTIONS;
    if (this.connections.size >= max) {
      this.refuse(socket, max);
      return;
    }
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    new ControlConnection(socket, this.limits, this.clock, (line) => this.answer(line));
  }

  /**
   * Tells a client over the limit why it is refused, rather than resetting it (which a client
   * sees as EPIPE): the answer is written, its requests are read and discarded, and the
   * connection closes once it has read the answer or after a short grace. Refusals are bounded
   * too: past `max` of them at once, connections are closed unanswered.
   */
  private refuse(socket: net.Socket, max: number): void {
    this.logger.warn('control connection refused: too many connections', { max });
    if (this.refusing.size >= max) {
      socket.destroy();
      return;
    }
    this.refusing.add(socket);
    const grace = this.clock.setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS);
    socket.on('close', () => {
      grace.cancel();
      this.refusing.delete(socket);
    });
    socket.resume();
    const refusal: ControlResponse = {
      id: null,
      ok: false,
      error: {
        code: 'too_many_connections',
        message: `too many control connections (at most ${max}); try again when another client has finished`,
      },
    };
    socket.end(`${JSON.stringify(refusal)}\n`);
  }

  /** Serves one request line; never throws. */
  private answer(line: string): ControlResponse {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      return invalid(null, 'request is not valid JSON');
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return invalid(null, 'request must be a JSON object');
    }
    const fields = request as Record<string, unknown>;
    const id = requestId(fields.id);
    if (id === undefined) return invalid(null, "'id' must be a string, a number or null");
    if (typeof fields.method !== 'string') return invalid(id, "'method' must be a string");
    const outcome: ControlOutcome =
      this.target === undefined
        ? { ok: false, error: { code: 'unsupported', message: 'the node is still starting' } }
        : dispatchControlRequest(this.target, fields.method, fields.params, this.logger);
    return { id, ...outcome };
  }
}

/** Listens on `address` with the socket file mode 0600 from the start. */
function listen(server: net.Server, address: string, options: ControlServerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EADDRINUSE')
        reject(new NodeAlreadyRunningError(options.socketPath, options.configDir));
      else reject(err);
    };
    server.once('error', onError);
    // The umask makes the socket file 0600 from the moment it exists (bind happens inside
    // listen(), synchronously); the chmod after it is the portable guarantee.
    const previousUmask = process.umask(0o177);
    try {
      server.listen(address, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      process.umask(previousUmask);
    }
  });
}

/** A request's id, or `undefined` when it has an unusable one (absent counts as null). */
function requestId(raw: unknown): ControlRequestId | undefined {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) return raw;
  return undefined;
}

function invalid(id: ControlRequestId, message: string): ControlResponse {
  return { id, ok: false, error: { code: 'invalid_request', message } };
}
