import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import WebSocket, { ClientOptions } from 'ws';
import { BufferBudgets } from '../../core/buffer-budgets';
import { Timer } from '../../core/clock';
import { InterfaceEvent } from '../../core/events';
import { makeInterfaceInfo } from '../../core/interface-info';
import { RuntimeConfigHandle } from '../../core/runtime-config';
import { Writer } from '../../core/writer';
import { ClientRuntime } from '../../net/client/client-config';
import { createClientRuntimeHandle } from '../../net/client/client-runtime-handle';
import { Reconnector } from '../../net/client/reconnector';
import { FlushQueue } from '../../net/server/flush-queue';
import { maxFrameLength, StartContext, StartedSingleInterface } from '../../registry/interface-factory';
import { WebSocketClientConfig } from './websocket-config';
import {
  CLOSE_HANDSHAKE_TIMEOUT_MS,
  WEBSOCKET_BITRATE,
  WEBSOCKET_CLIENT_KEY_PREFIX,
  WEBSOCKET_HW_MTU,
} from './websocket-constants';
import { MessageDrops, WebSocketConnection, WebSocketConnectionHost } from './websocket-connection';
import { ignoreError } from '../../net/net-constants';

/** A started WebSocket client: a single interface with its live settings. */
export interface StartedWebSocketClient extends StartedSingleInterface {
  /** The live settings (reconnect, connect timeout, write stall timeout). */
  readonly runtimeConfig: RuntimeConfigHandle;
}

/** Optional dependencies of {@link startWebSocketClient}, for tests. */
export interface WebSocketClientOptions {
  /** Source of the backoff jitter, uniform in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
}

/** The name and key family of a client's live settings: `websocket_client.<interface>.<setting>`. */
export function clientSettingsKeys(config: WebSocketClientConfig) {
  return { name: config.name, link: { settingsPrefix: WEBSOCKET_CLIENT_KEY_PREFIX } };
}

/** `ws` client options this version takes besides those its type declarations list. */
type WsClientOptions = ClientOptions & { closeTimeout?: number };

/**
 * Starts a WebSocket client. It resolves at once with the interface offline and dials in the
 * background, as a Backbone client does: `InterfaceUp(id, writer)` once the handshake
 * completes, `Frame(id, data)` per binary message, `InterfaceDown(id)` when the connection ends
 * (the server closed it, a write stall, a text or oversize message), then a reconnect after
 * `reconnect_wait x 2^min(n, 6)` +/-25 % until `max_reconnect_tries` attempts failed in a row
 * (absent: unlimited; 0: never). A failed first connect is retried the same way. No event follows stop().
 */
export function startWebSocketClient(
  config: WebSocketClientConfig,
  ctx: StartContext,
  options: WebSocketClientOptions = {},
): Promise<StartedWebSocketClient> {
  const runtime: ClientRuntime = { ...config.startup };
  const client = new WebSocketClient(config, runtime, ctx, options.random ?? Math.random);
  const runtimeConfig = createClientRuntimeHandle(clientSettingsKeys(config), runtime, () =>
    client.runtimeChanged(),
  );
  client.start();
  return Promise.resolve({
    kind: 'single',
    id: config.id,
    info: makeInterfaceInfo({
      id: config.id,
      name: config.name,
      mode: ctx.mode,
      ingressControl: ctx.ingressControl,
      bitrate: WEBSOCKET_BITRATE,
      mtu: WEBSOCKET_HW_MTU,
      autoconfigureMtu: false,
      fixedMtu: true,
      wantsTunnel: true,
      started: ctx.clock.now() / 1000,
    }),
    writer: client.writer,
    runtimeConfig,
    stop: () => client.stop(),
    drops: () => client.messageDrops.read(),
  });
}

/** The connection state machine behind {@link startWebSocketClient}. */
class WebSocketClient implements WebSocketConnectionHost {
  /** Forwards to the current connection, `offline` between connections. */
  readonly writer: Writer = { send: (packet) => this.connection?.send(packet) ?? 'offline' };
  readonly messageDrops = new MessageDrops();
  readonly flushQueue = new FlushQueue<WebSocketConnection>();
  readonly buffers: BufferBudgets;

  private stopped = false;
  /** The WebSocket of the attempt under way, until it opens. */
  private dialing: WebSocket | null = null;
  private dialTimer: Timer | null = null;
  private connection: WebSocketConnection | null = null;
  private readonly reconnector: Reconnector;
  private stopping: Promise<void> | undefined;
  private closed: (() => void) | null = null;

  constructor(
    private readonly config: WebSocketClientConfig,
    private readonly runtime: ClientRuntime,
    private readonly ctx: StartContext,
    random: () => number,
  ) {
    this.buffers = ctx.buffers ?? BufferBudgets.processDefault();
    this.reconnector = new Reconnector({
      clock: ctx.clock,
      logger: ctx.logger,
      runtime,
      policy: 'backoff',
      random,
      target: config.url,
      dial: () => this.dial(),
    });
  }

  get clock() {
    return this.ctx.clock;
  }

  get logger() {
    return this.ctx.logger;
  }

  writeStallTimeoutMs(): number {
    return this.runtime.writeStallTimeoutMs ?? 0;
  }

  idleTimeoutMs(): number {
    return 0;
  }

  partialMessageTimeoutMs(): number {
    return 0;
  }

  start(): void {
    this.reconnector.start();
  }

  runtimeChanged(): void {
    if (!this.stopped) this.connection?.runtimeChanged();
  }

  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.stopped = true;
      this.reconnector.cancel();
      this.dialTimer?.cancel();
      this.dialTimer = null;
      const waits: Promise<void>[] = [];
      const dialing = this.dialing;
      this.dialing = null;
      if (dialing !== null) waits.push(terminated(dialing));
      const connection = this.connection;
      if (connection !== null && !connection.isClosed) {
        waits.push(new Promise<void>((resolve) => (this.closed = resolve)));
        connection.disconnect('stopped');
      }
      this.stopping = Promise.all(waits).then(() => undefined);
    }
    return this.stopping;
  }

  packetReceived(connection: WebSocketConnection, data: Buffer): void {
    if (this.connection === connection) this.emit({ type: 'Frame', id: this.config.id, data });
  }

  connectionClosed(connection: WebSocketConnection): void {
    if (this.stopped) {
      this.closed?.();
      this.closed = null;
      return;
    }
    if (this.connection !== connection) return;
    this.connection = null;
    this.ctx.logger.warn(`connection closed (${connection.closeReason ?? 'remote'})`);
    if (!this.emit({ type: 'InterfaceDown', id: this.config.id })) return;
    this.reconnector.lost();
  }

  private dial(): void {
    const options: WsClientOptions = {
      maxPayload: maxFrameLength(WEBSOCKET_HW_MTU, this.ctx),
      perMessageDeflate: false,
      followRedirects: false,
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
      ...(this.config.tlsCa !== null ? { ca: this.config.tlsCa } : {}),
    };
    const ws = new WebSocket(this.config.url, options);
    this.dialing = ws;
    let socket: Socket | null = null;
    const fail = (error: Error): void => {
      if (this.dialing !== ws) return;
      this.dialing = null;
      this.dialTimer?.cancel();
      this.dialTimer = null;
      ws.removeAllListeners();
      ws.on('error', ignoreError);
      ws.terminate();
      this.onDialFailed(error);
    };
    ws.on('upgrade', (response: IncomingMessage) => (socket = response.socket as Socket));
    ws.on('error', fail);
    ws.on('close', () => fail(new Error('closed during the handshake')));
    ws.once('open', () => {
      if (this.dialing !== ws || socket === null) return;
      this.dialing = null;
      this.dialTimer?.cancel();
      this.dialTimer = null;
      ws.removeAllListeners();
      this.onOpen(ws, socket);
    });
    // Read live: a connect_timeout change applies from the next attempt on.
    const timeoutMs = this.runtime.connectTimeoutMs;
    if (timeoutMs > 0) {
      this.dialTimer = this.ctx.clock.setTimeout(
        () => fail(new Error(`no handshake within ${timeoutMs / 1000}s`)),
        timeoutMs,
      );
    }
  }

  private onDialFailed(error: Error): void {
    if (!this.stopped) this.reconnector.failed(error);
  }

  private onOpen(ws: WebSocket, socket: Socket): void {
    this.reconnector.connected();
    const connection = new WebSocketConnection(ws, socket, this);
    this.connection = connection;
    this.emit({ type: 'InterfaceUp', id: this.config.id, writer: connection });
  }

  /** Sends an event; a closed driver (send returns false) stops the client. */
  private emit(event: InterfaceEvent): boolean {
    if (this.stopped) return false;
    if (this.ctx.events.send(event)) return true;
    void this.stop();
    return false;
  }
}

/** Cuts a WebSocket still dialing; resolves once its socket (if it had one) closed. */
function terminated(ws: WebSocket): Promise<void> {
  ws.removeAllListeners();
  ws.on('error', ignoreError);
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.terminate();
  });
}
