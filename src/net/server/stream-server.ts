import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { BufferBudgets } from '../../core/buffer-budgets';
import { Clock } from '../../core/clock';
import { BoundAddress } from '../../core/driver/attached-interface';
import { makeInterfaceInfo } from '../../core/interface-info';
import { Logger } from '../../core/logger';
import { PeerStateHandle } from '../../core/peer-state';
import { RuntimeConfigHandle } from '../../core/runtime-config';
import { maxFrameLength, StartContext, StartedListener } from '../../registry/interface-factory';
import { AbuseSettings } from '../abuse/abuse-settings';
import { LISTEN_BACKLOG } from '../net-constants';
import { StreamLink } from '../stream-link';
import { ServerRuntime, StreamServerConfig } from './server-config';
import { StreamPeer, StreamPeerHost } from './stream-peer';
import { ListenerPeers } from './listener-peers';
import { StreamServerState } from './server-state';
import { FlushQueue } from './flush-queue';
import { FrameArena } from './frame-arena';
import { createServerPeerStateHandle } from './server-peer-state-handle';
import { createServerRuntimeHandle } from './server-runtime-handle';
import { FrameDrops } from '../frame-drops';

/**
 * Starts a stream server: listens on `listenIp:listenPort` (port 0: any free port) and turns
 * every admitted connection into a dynamic interface (`peer.connected`, then
 * `InterfaceUp(id, writer, info)`). Resolves once listening, with the server's live state, its
 * runtime-config and peer-state handles over that state, and the address it bound; rejects when
 * the address cannot be bound.
 *
 * @param config - the parsed server section.
 * @param ctx - the start context from the registry.
 */
export async function startStreamServer(
  config: StreamServerConfig,
  ctx: StartContext,
): Promise<StartedStreamServer> {
  const state = new StreamServerState(config, ctx.clock);
  return listenWithHandles(state, () => new StreamServer(config, state, ctx));
}

/** What {@link listenWithHandles} needs of a listener over a {@link StreamServerState}. */
export interface StateListener {
  listen(): Promise<void>;
  boundAddress(): AddressInfo;
  stop(): Promise<void>;
  drops(): Record<string, number>;
}

/**
 * Makes the server's handles, then creates and starts its listener (`create`), and returns what
 * start() owns. The handles come first: they record the startup values before anything can
 * change them.
 */
export async function listenWithHandles(
  state: StreamServerState,
  create: () => StateListener,
): Promise<StartedStreamServer> {
  const runtimeConfig = createServerRuntimeHandle(state);
  const peerState = createServerPeerStateHandle(state);
  const server = create();
  await server.listen();
  const bound = server.boundAddress();
  return {
    kind: 'listener',
    state,
    runtimeConfig,
    peerState,
    boundAddress: { host: bound.address, port: bound.port },
    stop: () => server.stop(),
    drops: () => server.drops(),
  };
}

/** A started stream server: a listener with its live state, its handles and the address it bound. */
export interface StartedStreamServer extends StartedListener {
  /** The server's live state (settings, peer monitor, behaviour tracker), which the handles serve. */
  readonly state: StreamServerState;
  /** The live settings. */
  readonly runtimeConfig: RuntimeConfigHandle;
  /** The per-IP peer state. */
  readonly peerState: PeerStateHandle;
  /** The address bound (the port the system chose when the config asked for 0). */
  readonly boundAddress: BoundAddress;
}

/**
 * The TCP listener and its peers' sockets. Admission, the peer table, the peer lifecycle events,
 * penalties and the sweep of the per-IP tables are its {@link ListenerPeers}' (shared with the
 * WebSocket server); this class accepts sockets, turns admitted ones into {@link StreamPeer}s
 * and relays their frames.
 */
class StreamServer implements StreamPeerHost {
  readonly link: StreamLink;
  readonly maxFrameLength: number;
  readonly runtime: Readonly<ServerRuntime>;
  readonly abuse: Readonly<AbuseSettings>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly buffers: BufferBudgets;
  readonly flushQueue = new FlushQueue<StreamPeer>();
  readonly frameArena: FrameArena;

  private readonly server: Server;
  private readonly peers: ListenerPeers<StreamPeer>;
  private readonly frameDrops = new FrameDrops();
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly config: StreamServerConfig,
    state: StreamServerState,
    private readonly ctx: StartContext,
  ) {
    this.link = config.link;
    this.maxFrameLength = maxFrameLength(config.link.hwMtu, ctx);
    this.frameArena = new FrameArena(config.link.framing);
    this.runtime = state.runtime;
    this.abuse = state.abuse;
    this.clock = ctx.clock;
    this.logger = ctx.logger;
    this.buffers = ctx.buffers ?? BufferBudgets.processDefault();
    this.peers = new ListenerPeers(state, ctx, () => void this.stop());
    this.server = createServer({ noDelay: true }, this.onConnection);
  }

  listen(): Promise<void> {
    const { listenIp, listenPort } = this.config;
    return new Promise((resolve, reject) => {
      const onListenError = (err: Error): void => reject(err);
      this.server.once('error', onListenError);
      this.server.listen({ host: listenIp, port: listenPort, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', onListenError);
        this.server.on('error', this.onServerError);
        this.peers.start();
        this.logger.info('server listening', { address: this.address() });
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.stopping = Promise.all([serverClosed, this.peers.stop()]).then(() => {
      this.logger.info('server stopped');
    });
    return this.stopping;
  }

  /**
   * Frames its peers' decoders dropped (see {@link FrameDrops}) and connections refused at
   * admission (see {@link ListenerPeers.refusals}).
   */
  drops(): Record<string, number> {
    const live = [...this.peers.values()].map((peer) => peer.decoderStats);
    return { ...this.frameDrops.read(live), ...this.peers.refusals() };
  }

  frameReceived(peer: StreamPeer, data: Buffer): void {
    this.peers.frame(peer.id, data);
  }

  peerClosed(peer: StreamPeer): void {
    this.frameDrops.bank(peer.decoderStats);
    this.peers.closed(peer, peer.id);
  }

  private readonly onConnection = (socket: Socket): void => {
    const admitted = this.peers.admitSocket(socket, this.stopping !== null);
    if (admitted === null) return;
    const { ip, port } = admitted;
    const id = this.ctx.dynamicIds.next();
    const peer = new StreamPeer(id, ip, port, socket, this);
    this.peers.add(peer);
    const info = makeInterfaceInfo({
      id,
      name: `${this.link.typeName}/${id}`,
      mode: this.ctx.mode,
      ingressControl: this.ctx.ingressControl,
      bitrate: this.link.bitrate,
      mtu: this.link.hwMtu,
      autoconfigureMtu: this.link.autoconfigureMtu,
      fixedMtu: !this.link.autoconfigureMtu,
      inCapable: true,
      outCapable: true,
    });
    this.peers.up(peer, id, info, peer);
  };

  private readonly onServerError = (err: Error): void => {
    this.logger.error('listener error', { error: err.message });
  };

  /** The address the listener bound. */
  boundAddress(): AddressInfo {
    const address = this.server.address();
    if (address === null || typeof address === 'string') {
      return { address: this.config.listenIp, port: this.config.listenPort, family: '' };
    }
    return address;
  }

  private address(): string {
    const { address, port } = this.boundAddress();
    return `${address}:${port}`;
  }
}
