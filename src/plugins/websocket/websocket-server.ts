import {
  createServer as createHttpServer,
  IncomingMessage,
  Server as HttpServer,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import WebSocket, { ServerOptions, WebSocketServer as WsServer } from 'ws';
import { BufferBudgets } from '../../core/buffer-budgets';
import { Timer } from '../../core/clock';
import { InterfaceId } from '../../core/interface-id';
import { makeInterfaceInfo } from '../../core/interface-info';
import { PeerCloseCause } from '../../core/plugin-events';
import { ignoreError, LISTEN_BACKLOG } from '../../net/net-constants';
import { FlushQueue } from '../../net/server/flush-queue';
import { ListenerPeer, ListenerPeers } from '../../net/server/listener-peers';
import { listenWithHandles, StartedStreamServer } from '../../net/server/stream-server';
import { ServerStateConfig, StreamServerState } from '../../net/server/server-state';
import { maxFrameLength, StartContext } from '../../registry/interface-factory';
import { canonicalOrigin } from './websocket-config-parser';
import { WebSocketServerConfig } from './websocket-config';
import {
  CLOSE_HANDSHAKE_TIMEOUT_MS,
  HANDSHAKE_TIMEOUT_MS,
  WEBSOCKET_BITRATE,
  WEBSOCKET_HW_MTU,
  WEBSOCKET_SERVER_KEY_PREFIX,
  WEBSOCKET_TYPE_NAME,
} from './websocket-constants';
import { MessageDrops, WebSocketConnection, WebSocketConnectionHost } from './websocket-connection';

/** A started WebSocket server: its live settings are `websocket.<interface>.<setting>`. */
export type StartedWebSocketServer = StartedStreamServer;

/**
 * Starts a WebSocket server: an HTTP (or, with `tls_cert`/`tls_key`, HTTPS) listener on
 * `listenIp:listenPort` whose every admitted WebSocket becomes a dynamic interface
 * (`peer.connected`, then `InterfaceUp(id, writer, info)`), with the admission, per-IP and abuse
 * limits of a stream server. Resolves once listening; rejects when the address cannot be bound.
 */
export async function startWebSocketServer(
  config: WebSocketServerConfig,
  ctx: StartContext,
): Promise<StartedWebSocketServer> {
  const state = new StreamServerState(serverStateConfig(config), ctx.clock);
  return listenWithHandles(state, () => new WebSocketListener(config, state, ctx));
}

/** The server's live state is made from its name, key family (`websocket.<interface>`) and startup settings. */
export function serverStateConfig(config: WebSocketServerConfig): ServerStateConfig {
  const { name, startup, abuse } = config;
  return { name, startup, abuse, link: { settingsPrefix: WEBSOCKET_SERVER_KEY_PREFIX } };
}

/** `ws` server options this version takes besides those its type declarations list. */
type WsServerOptions = ServerOptions & { closeTimeout?: number };

/**
 * The HTTP(S) listener and its connections. Each accepted TCP connection passes the shared
 * admission gate first (a refused one is cut before TLS or HTTP is spoken); then it has
 * {@link HANDSHAKE_TIMEOUT_MS} to ask for an upgrade on the configured path from an allowed
 * origin. A plain HTTP request gets 426, another path 404, a disallowed Origin 403, a malformed
 * upgrade 400; each is counted and the connection closed.
 */
class WebSocketListener {
  readonly messageDrops = new MessageDrops();
  readonly flushQueue = new FlushQueue<WebSocketConnection>();
  readonly buffers: BufferBudgets;
  readonly peers: ListenerPeers<WebSocketPeer>;

  private readonly http: HttpServer;
  private readonly wss: WsServer;
  /** Live connections by `ip|port`, which the TCP and the TLS socket of one connection share. */
  private readonly byAddress = new Map<string, WebSocketPeer>();
  private readonly refused = { origin: 0, path: 0, invalid: 0 };
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly config: WebSocketServerConfig,
    readonly state: StreamServerState,
    readonly ctx: StartContext,
  ) {
    this.buffers = ctx.buffers ?? BufferBudgets.processDefault();
    this.peers = new ListenerPeers(state, ctx, () => void this.stop());
    const wsOptions: WsServerOptions = {
      noServer: true,
      maxPayload: maxFrameLength(WEBSOCKET_HW_MTU, this.ctx),
      perMessageDeflate: false,
      clientTracking: false,
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
    };
    this.wss = new WsServer(wsOptions);
    this.wss.on('wsClientError', this.onClientError);
    this.http =
      config.tls === null
        ? createHttpServer({ noDelay: true })
        : createHttpsServer({ noDelay: true, cert: config.tls.cert, key: config.tls.key });
    this.http.on('connection', this.onConnection);
    this.http.on('upgrade', this.onUpgrade);
    this.http.on('request', this.onRequest);
    this.http.on('clientError', this.onHttpClientError);
    this.http.on('tlsClientError', ignoreError);
  }

  get clock() {
    return this.ctx.clock;
  }

  listen(): Promise<void> {
    const { listenIp, listenPort } = this.config;
    return new Promise((resolve, reject) => {
      const onListenError = (err: Error): void => reject(err);
      this.http.once('error', onListenError);
      this.http.listen({ host: listenIp, port: listenPort, backlog: LISTEN_BACKLOG }, () => {
        this.http.off('error', onListenError);
        this.http.on('error', this.onServerError);
        this.peers.start();
        const { address, port } = this.boundAddress();
        const scheme = this.config.tls === null ? 'ws' : 'wss';
        this.ctx.logger.info('websocket server listening', {
          url: `${scheme}://${address}:${port}${this.config.path}`,
        });
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    const serverClosed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.stopping = Promise.all([this.peers.stop(), serverClosed]).then(() => {
      this.ctx.logger.info('websocket server stopped');
    });
    return this.stopping;
  }

  /**
   * Connections refused at admission (`conn_refused_*`) or at their handshake
   * (`conn_refused_origin`, `conn_refused_path`, `conn_refused_handshake`: a plain HTTP
   * request or a malformed upgrade), and messages refused (`rx_text_message`,
   * `rx_message_oversize`, `rx_message_empty`, `rx_protocol_error`).
   */
  drops(): Record<string, number> {
    return {
      ...this.peers.refusals(),
      conn_refused_origin: this.refused.origin,
      conn_refused_path: this.refused.path,
      conn_refused_handshake: this.refused.invalid,
      ...this.messageDrops.read(),
    };
  }

  /** The address the listener bound. */
  boundAddress(): AddressInfo {
    const address = this.http.address();
    if (address === null || typeof address === 'string') {
      return { address: this.config.listenIp, port: this.config.listenPort, family: '' };
    }
    return address;
  }

  /** Called by a peer once its TCP socket closed. */
  forget(peer: WebSocketPeer): void {
    if (this.byAddress.get(peer.key) === peer) this.byAddress.delete(peer.key);
  }

  private readonly onConnection = (socket: Socket): void => {
    const admitted = this.peers.admitSocket(socket, this.stopping !== null);
    if (admitted === null) return;
    const { ip, port } = admitted;
    const peer = new WebSocketPeer(ip, port, socket, this);
    this.byAddress.set(peer.key, peer);
    this.peers.add(peer);
  };

  private readonly onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    socket.on('error', ignoreError);
    const peer = this.byAddress.get(addressKey(socket));
    if (peer === undefined || peer.closeReason !== null || this.stopping !== null) {
      socket.destroy();
      return;
    }
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== this.config.path) {
      this.refused.path++;
      refuseHandshake(socket, 404, 'Not Found');
      return;
    }
    const origin = request.headers.origin;
    const allowed = this.config.allowedOrigins;
    if (allowed !== null && origin !== undefined && !allowed.has(canonicalOrigin(origin) ?? '')) {
      this.refused.origin++;
      this.ctx.logger.debug('websocket origin not allowed', { ip: peer.ip, origin });
      refuseHandshake(socket, 403, 'Forbidden');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => peer.upgraded(ws, socket));
  };

  /** A request that is no upgrade: this server speaks WebSocket only. */
  private readonly onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    this.refused.invalid++;
    response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' });
    response.end('WebSocket only\n');
    request.socket.destroySoon();
  };

  /** An upgrade `ws` found malformed (bad version, key or headers). */
  private readonly onClientError = (error: Error, socket: Socket): void => {
    this.refused.invalid++;
    this.ctx.logger.debug('websocket handshake invalid', { error: error.message });
    refuseHandshake(socket, 400, 'Bad Request');
  };

  /** A request HTTP could not parse. */
  private readonly onHttpClientError = (_error: Error, socket: Socket): void => {
    this.refused.invalid++;
    socket.destroy();
  };

  private readonly onServerError = (err: Error): void => {
    this.ctx.logger.error('websocket listener error', { error: err.message });
  };
}

function addressKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? 0}`;
}

/** Answers a refused upgrade with a bare status line and closes the socket. */
function refuseHandshake(socket: Socket, status: number, text: string): void {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroySoon();
}

/**
 * One accepted connection of a WebSocket server: until its upgrade a TCP (or TLS) connection on a
 * handshake deadline, then a {@link WebSocketConnection} that is a dynamic interface. Its TCP
 * socket's `'close'` ends it before the upgrade, the WebSocket's `'close'` after.
 */
class WebSocketPeer implements ListenerPeer, WebSocketConnectionHost {
  readonly connectedAt: number;
  readonly key: string;
  private connection: WebSocketConnection | null = null;
  private id: InterfaceId | null = null;
  private ownCloseReason: PeerCloseCause | null = null;
  private handshakeTimer: Timer | null;

  constructor(
    readonly ip: string,
    readonly port: number,
    private readonly socket: Socket,
    private readonly server: WebSocketListener,
  ) {
    this.connectedAt = server.clock.now();
    this.key = addressKey(socket);
    socket.on('error', ignoreError);
    socket.once('close', this.onSocketClose);
    this.handshakeTimer = server.clock.setTimeout(this.onHandshakeTimeout, HANDSHAKE_TIMEOUT_MS);
  }

  get clock() {
    return this.server.clock;
  }

  get logger() {
    return this.server.ctx.logger;
  }

  get buffers(): BufferBudgets {
    return this.server.buffers;
  }

  get messageDrops(): MessageDrops {
    return this.server.messageDrops;
  }

  get flushQueue(): FlushQueue<WebSocketConnection> {
    return this.server.flushQueue;
  }

  get hadReceivedData(): boolean {
    return this.connection?.hadReceivedData ?? false;
  }

  get closeReason(): PeerCloseCause | null {
    return this.connection?.closeReason ?? this.ownCloseReason;
  }

  writeStallTimeoutMs(): number {
    return this.server.state.runtime.writeStallTimeoutMs;
  }

  idleTimeoutMs(): number {
    return this.server.state.runtime.idleTimeoutMs;
  }

  partialMessageTimeoutMs(): number {
    return this.server.state.abuse.partialFrameTimeoutMs;
  }

  /** The handshake completed: the connection becomes interface `<type>/<id>`. */
  upgraded(ws: WebSocket, socket: Socket): void {
    this.handshakeTimer?.cancel();
    this.handshakeTimer = null;
    if (this.ownCloseReason !== null) {
      ws.terminate();
      return;
    }
    const id = this.server.ctx.dynamicIds.next();
    this.id = id;
    const connection = new WebSocketConnection(ws, socket, this);
    this.connection = connection;
    const ctx = this.server.ctx;
    const info = makeInterfaceInfo({
      id,
      name: `${WEBSOCKET_TYPE_NAME}/${id}`,
      mode: ctx.mode,
      ingressControl: ctx.ingressControl,
      bitrate: WEBSOCKET_BITRATE,
      mtu: WEBSOCKET_HW_MTU,
      inCapable: true,
      outCapable: true,
    });
    this.server.peers.up(this, id, info, connection);
  }

  disconnect(reason: 'blacklisted' | 'stopped'): void {
    if (this.connection !== null) {
      this.connection.disconnect(reason);
      return;
    }
    if (this.ownCloseReason !== null) return;
    this.ownCloseReason = reason;
    this.socket.destroy();
  }

  runtimeChanged(): void {
    this.connection?.runtimeChanged();
  }

  packetReceived(connection: WebSocketConnection, data: Buffer): void {
    if (this.id !== null && connection === this.connection) this.server.peers.frame(this.id, data);
  }

  connectionClosed(): void {
    this.server.forget(this);
    this.server.peers.closed(this, this.id);
  }

  private readonly onHandshakeTimeout = (): void => {
    this.handshakeTimer = null;
    if (this.connection !== null || this.ownCloseReason !== null) return;
    this.logger.debug('websocket peer sent no upgrade in time', { ip: this.ip, port: this.port });
    this.ownCloseReason = 'idle_timeout';
    this.socket.destroy();
  };

  private readonly onSocketClose = (): void => {
    this.handshakeTimer?.cancel();
    this.handshakeTimer = null;
    // After the upgrade the WebSocket's own 'close' (which follows) ends the peer.
    if (this.connection !== null) return;
    this.ownCloseReason ??= 'remote';
    this.server.forget(this);
    this.server.peers.closed(this, null);
  };
}
