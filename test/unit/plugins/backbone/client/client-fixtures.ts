// Fixtures for the Backbone client tests: a clock that records timers and fires them on demand
// and a loopback server that can restart. The event sink and the logger are the shared ones in
// test/helpers.
import * as net from 'node:net';
import { checkTimerDelay, Clock, Timer } from '../../../../../src/core/clock';
import { EventSink } from '../../../../../src/core/event-sink';
import { DEFAULT_INGRESS_CONTROL } from '../../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../../src/core/interface-mode';
import { Logger } from '../../../../../src/core/logger';
import { ClientRuntime } from '../../../../../src/net/client/client-config';
import { BackboneClientConfig } from '../../../../../src/plugins/backbone/backbone-config';
import { BACKBONE_CLIENT_LINK } from '../../../../../src/plugins/backbone/backbone-constants';
import { StartContext } from '../../../../../src/registry/interface-factory';

/** Upper bound for any wait on a real event in these tests. */
export const EVENT_WAIT_MS = 2000;

/** Resolves with `value` when `register` calls back, rejects after `timeoutMs`. */
function bounded<T>(
  what: string,
  timeoutMs: number,
  register: (done: (value: T) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Real timers are captured at import: tests may fake the global ones.
    const timer = realSetTimeout(() => {
      unregister();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unregister = register((value) => {
      realClearTimeout(timer);
      unregister();
      resolve(value);
    });
  });
}

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** Waits for the next turn of the event loop (real I/O included). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One timer scheduled on a {@link RecordingClock}. */
export interface RecordedTimer {
  readonly ms: number;
  readonly callback: () => void;
  cancelled: boolean;
  fired: boolean;
}

/** A Clock whose timers only run when the test fires them; it records every delay asked for. */
export class RecordingClock implements Clock {
  readonly timers: RecordedTimer[] = [];
  nowMs = 1_700_000_000_000;
  private readonly waiters = new Set<(timer: RecordedTimer) => void>();

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    checkTimerDelay(ms);
    const timer: RecordedTimer = { ms, callback, cancelled: false, fired: false };
    this.timers.push(timer);
    for (const waiter of [...this.waiters]) waiter(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  setInterval(): Timer {
    throw new Error('the Backbone client does not use intervals');
  }

  /** Timers neither fired nor cancelled. */
  pending(): RecordedTimer[] {
    return this.timers.filter((t) => !t.cancelled && !t.fired);
  }

  /** Runs a pending timer now. */
  fire(timer: RecordedTimer): void {
    if (timer.cancelled || timer.fired) throw new Error('timer is not pending');
    timer.fired = true;
    timer.callback();
  }

  /** The first pending timer scheduled with `ms` matching `predicate`, awaited if not there yet. */
  nextPending(predicate: (ms: number) => boolean, timeoutMs = EVENT_WAIT_MS): Promise<RecordedTimer> {
    const found = this.pending().find((t) => predicate(t.ms));
    if (found !== undefined) return Promise.resolve(found);
    return bounded<RecordedTimer>('a timer', timeoutMs, (done) => {
      const waiter = (timer: RecordedTimer): void => {
        if (predicate(timer.ms)) done(timer);
      };
      this.waiters.add(waiter);
      return () => this.waiters.delete(waiter);
    });
  }
}

/** A client config for 127.0.0.1:`port`. */
export function clientConfig(port: number, id = 9000): BackboneClientConfig {
  return {
    mode: 'client',
    name: 'Backbone Client',
    id,
    targetHost: '127.0.0.1',
    targetPort: port,
    link: BACKBONE_CLIENT_LINK,
    transportIdentity: null,
    startup: { reconnectWaitMs: 100, maxReconnectTries: null, connectTimeoutMs: 2000 },
  };
}

/** `config` with `overrides` on its startup values (what the started client's live settings start from). */
export function withStartup(
  config: BackboneClientConfig,
  overrides: Partial<ClientRuntime>,
): BackboneClientConfig {
  return { ...config, startup: { ...config.startup, ...overrides } };
}

/** A mutable runtime, copied from the startup values and then `overrides`. */
export function clientRuntime(
  config: BackboneClientConfig,
  overrides: Partial<ClientRuntime> = {},
): ClientRuntime {
  return { ...config.startup, ...overrides };
}

/** A StartContext for tests. */
export function startContext(events: EventSink, clock: Clock, logger: Logger): StartContext {
  let nextId = 10_000;
  return {
    events,
    dynamicIds: { next: () => nextId++ },
    mode: InterfaceMode.Gateway,
    ingressControl: DEFAULT_INGRESS_CONTROL,
    clock,
    logger,
  };
}

/** A TCP server on 127.0.0.1 that tracks its sockets and can be closed and reopened on its port. */
export class LoopbackServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly accepted: net.Socket[] = [];
  private readonly waiters = new Set<(socket: net.Socket) => void>();
  port = 0;

  /** Listens on `port` (0: any free port). */
  async listen(port = this.port): Promise<void> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      this.accepted.push(socket);
      for (const waiter of [...this.waiters]) waiter(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** The next accepted socket not yet returned (in accept order). */
  nextConnection(timeoutMs = EVENT_WAIT_MS): Promise<net.Socket> {
    const ready = this.accepted.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return bounded<net.Socket>('a connection', timeoutMs, (done) => {
      const waiter = (): void => {
        const socket = this.accepted.shift();
        if (socket !== undefined) done(socket);
      };
      this.waiters.add(waiter);
      return () => this.waiters.delete(waiter);
    });
  }

  /** Stops listening and destroys every connection; resolves when all are closed. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closing = [...this.sockets].map(
      (socket) =>
        new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve()))),
    );
    for (const socket of this.sockets) socket.destroy();
    this.accepted.length = 0;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(closing);
  }
}

/** Reads from `socket` until `length` bytes arrived; resolves with exactly those. */
export function readBytes(socket: net.Socket, length: number, timeoutMs = EVENT_WAIT_MS): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  return bounded<Buffer>(`${length} bytes`, timeoutMs, (done) => {
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) done(Buffer.concat(chunks));
    };
    socket.on('data', onData);
    return () => socket.off('data', onData);
  });
}

/** A packet of `length` bytes: 0, 1, 2, ... (mod 256). */
export function packet(length: number, seed = 0): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i + seed) & 0xff;
  return out;
}
