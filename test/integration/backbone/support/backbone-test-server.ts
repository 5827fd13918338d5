import { connect, Socket } from 'node:net';
import { BufferBudgets } from '../../../../src/core/buffer-budgets';
import { Clock, systemClock } from '../../../../src/core/clock';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { Logger, silentLogger } from '../../../../src/core/logger';
import { AbuseSettings, DEFAULT_ABUSE_SETTINGS } from '../../../../src/net/abuse/abuse-settings';
import { ServerRuntime } from '../../../../src/net/server/server-config';
import { BackboneServerConfig } from '../../../../src/plugins/backbone/backbone-config';
import { BACKBONE_SERVER_LINK } from '../../../../src/plugins/backbone/backbone-constants';
import { StreamServerState } from '../../../../src/net/server/server-state';
import { startStreamServer, StartedStreamServer } from '../../../../src/net/server/stream-server';
import { DynamicIdAllocator, StartContext } from '../../../../src/registry/interface-factory';
import { RecordingEventSink } from '../../../helpers/recording-event-sink';

/** A started server with its fake driver, for one test. */
export interface TestServer {
  readonly sink: RecordingEventSink;
  readonly state: StreamServerState;
  readonly config: BackboneServerConfig;
  readonly started: StartedStreamServer;
  readonly port: number;
  /** Opens a loopback client connection (resolves once connected). */
  connectClient(): Promise<Socket>;
  /** Stops the server and destroys every client opened through {@link connectClient}. */
  close(): Promise<void>;
}

/** Hands out ids from `first` upwards. */
export function idAllocator(first: number): DynamicIdAllocator {
  let next = first;
  return { next: () => next++ };
}

/** Starts a server on 127.0.0.1, port 0, with the given runtime settings. */
export async function startTestServer(
  runtime: Partial<ServerRuntime> = {},
  options: {
    firstId?: number;
    clock?: Clock;
    id?: number;
    abuse?: Partial<AbuseSettings>;
    logger?: Logger;
    /** Node-wide buffer budgets; default: fresh ones with the default limits (tests stay apart). */
    buffers?: BufferBudgets;
  } = {},
): Promise<TestServer> {
  const config: BackboneServerConfig = {
    mode: 'server',
    name: 'test-backbone',
    id: options.id ?? 80,
    listenIp: '127.0.0.1',
    listenPort: 0,
    link: BACKBONE_SERVER_LINK,
    startup: {
      maxConnections: 0,
      idleTimeoutMs: 0,
      writeStallTimeoutMs: 0,
      maxPenaltyDurationMs: 0,
      ...runtime,
    },
    abuse: { ...DEFAULT_ABUSE_SETTINGS, ...options.abuse },
  };
  const sink = new RecordingEventSink();
  const ctx: StartContext = {
    events: sink,
    dynamicIds: idAllocator(options.firstId ?? 10_000),
    mode: InterfaceMode.Full,
    ingressControl: DEFAULT_INGRESS_CONTROL,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    buffers: options.buffers ?? new BufferBudgets(),
  };
  const started = await startStreamServer(config, ctx);
  const port = started.boundAddress.port;
  const clients: Socket[] = [];
  return {
    sink,
    state: started.state,
    config,
    started,
    port,
    connectClient: () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
        socket.once('error', reject);
        clients.push(socket);
      }),
    close: async () => {
      for (const c of clients) c.destroy();
      await started.stop();
    },
  };
}

/** Resolves once `socket` has closed. */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Captured at load so waits stay bounded in real time while tests install sinon fake timers. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** Collects bytes a client socket receives. */
export function collect(socket: Socket): {
  bytes: () => Buffer;
  waitForLength: (n: number, timeoutMs?: number) => Promise<Buffer>;
} {
  const chunks: Buffer[] = [];
  let total = 0;
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    total += chunk.length;
    for (const w of waiters.splice(0)) w();
  });
  const bytes = (): Buffer => Buffer.concat(chunks);
  return {
    bytes,
    waitForLength: (n, timeoutMs = 3000) =>
      new Promise<Buffer>((resolve, reject) => {
        const timer = realSetTimeout(
          () => reject(new Error(`timed out waiting for ${n} bytes, got ${total}`)),
          timeoutMs,
        );
        const check = (): void => {
          if (total >= n) {
            realClearTimeout(timer);
            resolve(bytes());
          } else waiters.push(check);
        };
        check();
      }),
  };
}

/** A packet of `length` bytes filled with `fill` (long enough to pass the 19-byte minimum). */
export function packet(length: number, fill: number): Buffer {
  return Buffer.alloc(length, fill);
}
