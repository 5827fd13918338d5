import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Logger, silentLogger } from '../../core/logger';
import { BoundedLineSplitter } from './bounded-line-splitter';
import { dispatchControlRequest } from './control-dispatcher';
import { NodeAlreadyRunningError } from './control-errors';
import {
  ControlOutcome,
  ControlRequestId,
  ControlResponse,
  MAX_CONTROL_REQUEST_BYTES,
} from './control-protocol';
import { ControlTarget } from './control-target';
import { probeControlSocket } from './probe-control-socket';

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
  /** Longest request line, in bytes (default {@link MAX_CONTROL_REQUEST_BYTES}). */
  readonly maxRequestBytes?: number;
  /** Simultaneous client connections served; more are closed at once (default 32). */
  readonly maxConnections?: number;
}

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
  private closing: Promise<void> | undefined;
  private target: ControlTarget | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly options: ControlServerOptions,
    private readonly logger: Logger,
  ) {
    this.target = options.target;
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
    const server = net.createServer({ allowHalfOpen: false });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        if (err.code === 'EADDRINUSE')
          reject(new NodeAlreadyRunningError(options.socketPath, options.configDir));
        else reject(err);
      };
      server.once('error', onError);
      // The umask makes the socket file 0600 from the moment it exists (bind happens inside
      // listen(), synchronously); the chmod below is the portable guarantee.
      const previousUmask = process.umask(0o177);
      try {
        server.listen(options.socketPath, () => {
          server.off('error', onError);
          resolve();
        });
      } finally {
        process.umask(previousUmask);
      }
    });
    await fs.chmod(options.socketPath, SOCKET_MODE);
    return new ControlServer(server, options, logger);
  }

  /**
   * Stops accepting, closes every client connection and removes the socket file. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.connections) socket.destroy();
      await closed;
      // server.close() unlinks the socket file on Linux; this covers platforms that do not.
      await fs.rm(this.options.socketPath, { force: true });
    })();
    return this.closing;
  }

  private accept(socket: net.Socket): void {
    const maxConnections = this.options.maxConnections ?? 32;
    if (this.connections.size >= maxConnections || this.closing !== undefined) {
      this.logger.warn('control connection refused: too many connections', { max: maxConnections });
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    const splitter = new BoundedLineSplitter(this.options.maxRequestBytes ?? MAX_CONTROL_REQUEST_BYTES);
    socket.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        if (line.trim().length > 0) this.reply(socket, this.answer(line));
      }
      if (splitter.overflow && !socket.writableEnded) {
        this.reply(socket, {
          id: null,
          ok: false,
          error: {
            code: 'request_too_large',
            message: `request line exceeds ${splitter.maxBytes} bytes; closing the connection`,
          },
        });
        socket.end();
      }
    });
    socket.on('error', (err) => this.logger.debug('control connection error', { error: err.message }));
    socket.on('close', () => this.connections.delete(socket));
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

  private reply(socket: net.Socket, response: ControlResponse): void {
    if (socket.writableEnded || socket.destroyed) return;
    socket.write(`${JSON.stringify(response)}\n`);
  }
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
