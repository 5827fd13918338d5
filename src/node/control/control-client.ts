import net from 'node:net';
import path from 'node:path';
import { BoundedLineSplitter } from './bounded-line-splitter';
import { openUnixSocketAddress, UnixSocketAddress } from './unix-socket-address';
import { ControlConnectionError, ControlRequestError, NoNodeRunningError } from './control-errors';
import {
  ControlErrorCode,
  ControlMethod,
  ControlMethods,
  ControlResponse,
  MAX_CONTROL_RESPONSE_BYTES,
} from './control-protocol';

/** Default time a request may take before {@link ControlClient.call} rejects. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 5000;

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A client of the node's control endpoint (what the `rns-net` commands use). Requests may be
 * pipelined; each is matched to its response by id.
 */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly splitter = new BoundedLineSplitter(MAX_CONTROL_RESPONSE_BYTES);
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) =>
      this.fail(new ControlConnectionError(`control connection failed: ${err.message}`)),
    );
    socket.on('close', () => this.fail(new ControlConnectionError('the node closed the control connection')));
  }

  /**
   * Connects to a node's control socket.
   *
   * @param socketPath - `<config dir>/control.sock`.
   * @param options.configDir - named in the "no node running" message (default: the socket's directory).
   * @param options.timeoutMs - connect timeout.
   * @throws {@link NoNodeRunningError} when no node listens there.
   */
  static async connect(
    socketPath: string,
    options: { configDir?: string; timeoutMs?: number } = {},
  ): Promise<ControlClient> {
    const configDir = options.configDir ?? path.dirname(socketPath);
    let address: UnixSocketAddress;
    try {
      address = await openUnixSocketAddress(socketPath);
    } catch (err) {
      // The long path's directory is missing: nothing can be listening there.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NoNodeRunningError(socketPath, configDir);
      throw err;
    }
    try {
      return await ControlClient.connectTo(address.path, socketPath, configDir, options.timeoutMs);
    } finally {
      await address.release();
    }
  }

  private static connectTo(
    address: string,
    socketPath: string,
    configDir: string,
    timeoutMs = DEFAULT_CONTROL_TIMEOUT_MS,
  ): Promise<ControlClient> {
    return new Promise<ControlClient>((resolve, reject) => {
      const socket = net.createConnection(address);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ControlConnectionError(`timed out connecting to ${socketPath}`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new ControlClient(socket));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')
          reject(new NoNodeRunningError(socketPath, configDir));
        else
          reject(
            new ControlConnectionError(`cannot connect to ${socketPath}: ${err.message}`, { cause: err }),
          );
      });
    });
  }

  /**
   * Calls a method. Resolves with its result; rejects with {@link ControlRequestError} when the
   * node answers with an error, {@link ControlConnectionError} on timeout or a lost connection.
   */
  call<M extends ControlMethod>(
    method: M,
    params: ControlMethods[M]['params'],
    timeoutMs?: number,
  ): Promise<ControlMethods[M]['result']> {
    return this.callRaw(method, params, timeoutMs) as Promise<ControlMethods[M]['result']>;
  }

  /** Calls any method name with any params (for tools and tests of the error paths). */
  callRaw(method: string, params: unknown, timeoutMs = DEFAULT_CONTROL_TIMEOUT_MS): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ControlConnectionError(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Closes the connection; pending calls reject. */
  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    for (const line of this.splitter.push(chunk)) {
      let response: ControlResponse;
      try {
        response = JSON.parse(line) as ControlResponse;
      } catch {
        this.fail(new ControlConnectionError('the node sent a response that is not JSON'));
        return;
      }
      const entry = typeof response.id === 'number' ? this.pending.get(response.id) : undefined;
      if (entry === undefined) {
        // An id-less error (the node could not read a request): fail everything in flight.
        if (!response.ok) this.fail(new ControlRequestError(response.error.code, response.error.message));
        continue;
      }
      this.pending.delete(response.id as number);
      clearTimeout(entry.timer);
      if (response.ok) entry.resolve(response.result);
      else
        entry.reject(
          new ControlRequestError(response.error.code as ControlErrorCode, response.error.message),
        );
    }
    if (this.splitter.overflow) this.fail(new ControlConnectionError('response too large'));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(err);
    }
    this.pending.clear();
  }
}
