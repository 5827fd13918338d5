import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { BufferBudgets } from '../../core/buffer-budgets';
import { Clock, Timer } from '../../core/clock';
import { BoundAddress } from '../../core/driver/attached-interface';
import { InterfaceEvent } from '../../core/events';
import { normalizeIp } from '../../core/ip-address';
import { makeInterfaceInfo } from '../../core/interface-info';
import { Logger } from '../../core/logger';
import { pluginEvent } from '../../core/plugin-events';
import { PeerStateHandle } from '../../core/peer-state';
import { RuntimeConfigHandle } from '../../core/runtime-config';
import { StartContext, StartedListener } from '../../registry/interface-factory';
import { AbuseSettings } from '../abuse/abuse-settings';
import { DisconnectCause } from '../abuse/behaviour-tracker';
import { Penalty } from '../abuse/penalty';
import { BEHAVIOUR_SWEEP_INTERVAL_MS, LISTEN_BACKLOG, SWEEP_STEP_ENTRIES } from '../net-constants';
import { StreamLink } from '../stream-link';
import { ServerRuntime, StreamServerConfig } from './server-config';
import { StreamPeer, StreamPeerHost, PeerCloseReason } from './stream-peer';
import { ServerLiveControl, StreamServerState } from './server-state';
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
  // The handles record their startup values now, before anything can change them.
  const runtimeConfig = createServerRuntimeHandle(state);
  const peerState = createServerPeerStateHandle(state);
  const server = new StreamServer(config, state, ctx);
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

/** Swallows errors of refused sockets, which are destroyed at once. */
function ignoreError(): void {}

/**
 * What the behaviour tracker is told about a closed connection. Closes we caused ourselves (stop,
 * operator blacklist, penalty disconnect) are `local` and never count against the peer, and so is
 * an eviction by the node-wide receive budget: the evicted peer held the largest unfinished frame
 * at that moment, which an honest peer sending one large packet can do while others fill the
 * budget. Holding an unfinished frame past its deadline does count.
 */
function disconnectCause(reason: PeerCloseReason | null): DisconnectCause {
  switch (reason) {
    case 'remote':
      return 'remote_closed';
    case 'idle_timeout':
      return 'idle_timeout';
    case 'write_stall':
      return 'write_stall';
    case 'partial_frame_timeout':
      return 'partial_frame_timeout';
    default:
      return 'local';
  }
}

/**
 * The listener and its peers. Admission is one ordered gate run before anything is allocated for
 * a connection: blacklisted IP -> refused (reject counted); connect rate exceeded -> penalty
 * applied and this connection refused (reject counted); `max_connections_per_ip` reached by a
 * non-exempt IP -> refused (reject counted) and penalised; `max_connections` reached -> refused;
 * else admitted. Events per peer, in this order: `peer.connected`, InterfaceUp; on close
 * `peer.disconnected` (with its cause), then InterfaceDown exactly once, then `peer.penalty` if
 * the close triggered one.
 *
 * Every close is reported to the state's behaviour tracker; a penalty it decides is applied here:
 * blacklist (already capped by `max_penalty_duration`), disconnect the IP's live connections,
 * `peer.penalty`, one warning line. A periodic sweep decays levels and prunes both tables.
 */
class StreamServer implements StreamPeerHost, ServerLiveControl {
  readonly link: StreamLink;
  readonly runtime: Readonly<ServerRuntime>;
  readonly abuse: Readonly<AbuseSettings>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly buffers: BufferBudgets;
  readonly flushQueue = new FlushQueue<StreamPeer>();
  readonly frameArena: FrameArena;

  private readonly server: Server;
  private readonly peers = new Map<number, StreamPeer>();
  private readonly frameDrops = new FrameDrops();
  /** Connections refused at admission, by the rule that refused them. */
  private readonly refused = { blacklisted: 0, rate: 0, perIp: 0, full: 0 };
  private stopping: Promise<void> | null = null;
  private allPeersClosed: (() => void) | null = null;
  private sweepTimer: Timer | null = null;
  /** The next step of a sweep pass under way, or null between passes. */
  private sweepStep: Timer | null = null;

  constructor(
    private readonly config: StreamServerConfig,
    private readonly state: StreamServerState,
    private readonly ctx: StartContext,
  ) {
    this.link = config.link;
    this.frameArena = new FrameArena(config.link.framing);
    this.runtime = state.runtime;
    this.abuse = state.abuse;
    this.clock = ctx.clock;
    this.logger = ctx.logger;
    this.buffers = ctx.buffers ?? BufferBudgets.processDefault();
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
        this.state.attach(this);
        this.sweepTimer = this.clock.setInterval(this.startSweep, BEHAVIOUR_SWEEP_INTERVAL_MS);
        this.logger.info('server listening', { address: this.address() });
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.state.detach(this);
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    this.sweepStep?.cancel();
    this.sweepStep = null;
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const peersClosed = new Promise<void>((resolve) => {
      if (this.peers.size === 0) resolve();
      else this.allPeersClosed = resolve;
    });
    for (const peer of this.peers.values()) peer.disconnect('stopped');
    this.stopping = Promise.all([serverClosed, peersClosed]).then(() => {
      this.logger.info('server stopped');
    });
    return this.stopping;
  }

  runtimeChanged(): void {
    for (const peer of this.peers.values()) peer.runtimeChanged();
    // A lowered max_tracked_peers is worked off now, a step at a time, not at the next sweep.
    this.startSweep();
  }

  /** Disconnects the live connections of `ip` (canonical, see normalizeIp). */
  disconnectIp(ip: string, reason: string): number {
    let count = 0;
    for (const peer of this.peers.values()) {
      if (peer.ip !== ip || peer.closeReason !== null) continue;
      this.logger.info('disconnecting blacklisted peer', { peer: peer.id, ip, reason });
      peer.disconnect('blacklisted');
      count++;
    }
    return count;
  }

  /**
   * Frames its peers' decoders dropped (see {@link FrameDrops}) and connections refused at
   * admission: `conn_refused_blacklisted`, `conn_refused_rate` (connect rate exceeded),
   * `conn_refused_per_ip` (`max_connections_per_ip`), `conn_refused_full` (`max_connections`).
   */
  drops(): Record<string, number> {
    const live = [...this.peers.values()].map((peer) => peer.decoderStats);
    return {
      ...this.frameDrops.read(live),
      conn_refused_blacklisted: this.refused.blacklisted,
      conn_refused_rate: this.refused.rate,
      conn_refused_per_ip: this.refused.perIp,
      conn_refused_full: this.refused.full,
    };
  }

  frameReceived(peer: StreamPeer, data: Buffer): void {
    this.emit({ type: 'Frame', id: peer.id, data });
  }

  peerClosed(peer: StreamPeer): void {
    if (!this.peers.delete(peer.id)) return;
    this.frameDrops.bank(peer.decoderStats);
    this.state.monitor.recordDisconnected(peer.ip);
    const connectedForMs = this.clock.now() - peer.connectedAt;
    this.logger.debug('peer disconnected', { peer: peer.id, ip: peer.ip, reason: peer.closeReason });
    this.emit(
      pluginEvent('peer.disconnected', {
        peerId: peer.id,
        ip: peer.ip,
        port: peer.port,
        cause: peer.closeReason ?? 'remote',
        connectedForMs,
        hadReceivedData: peer.hadReceivedData,
      }),
    );
    this.emit({ type: 'InterfaceDown', id: peer.id });
    if (this.peers.size === 0 && this.allPeersClosed !== null) {
      this.allPeersClosed();
      this.allPeersClosed = null;
    }
    if (this.stopping !== null) return;
    const penalty = this.state.tracker.recordDisconnect(peer.ip, {
      connectedForMs,
      hadReceivedData: peer.hadReceivedData,
      cause: disconnectCause(peer.closeReason),
    });
    if (penalty !== undefined) this.applyPenalty(penalty);
  }

  /**
   * Applies a penalty the tracker decided: blacklist the IP, announce it (one warning line and
   * `peer.penalty`), and disconnect its live connections (as a local close, which the
   * tracker does not count).
   */
  private applyPenalty(penalty: Penalty): void {
    const { ip, level, durationMs, reason } = penalty;
    this.state.monitor.blacklist(ip, durationMs, reason);
    const durationSecs = durationMs / 1000;
    this.logger.warn(`penalizing peer ${ip} for ${durationSecs}s (level ${level}) due to ${reason}`, {
      ip,
      penaltyLevel: level,
      durationSecs,
      reason,
    });
    this.emit(pluginEvent('peer.penalty', { ip, level, blacklistForMs: durationMs, reason }));
    this.disconnectIp(ip, reason);
  }

  /**
   * Periodic upkeep of both peer tables (penalty decay, pruning of emptied entries, table caps),
   * {@link SWEEP_STEP_ENTRIES} entries per step with a turn of the event loop between steps, so a
   * pass over a large table never holds up the relay. A pass under way is not started again.
   */
  private readonly startSweep = (): void => {
    if (this.sweepStep === null && this.stopping === null) this.runSweepStep();
  };

  private readonly runSweepStep = (): void => {
    this.sweepStep = null;
    if (this.stopping !== null || this.state.sweep(SWEEP_STEP_ENTRIES)) return;
    this.sweepStep = this.clock.setTimeout(this.runSweepStep, 0);
  };

  /** Sends an event; once the driver is gone, closes everything (as rns-net's thread exits). */
  private emit(event: InterfaceEvent): boolean {
    if (this.ctx.events.send(event)) return true;
    if (this.stopping === null) {
      this.logger.info('event sink closed, stopping server');
      void this.stop();
    }
    return false;
  }

  private readonly onConnection = (socket: Socket): void => {
    const address = socket.remoteAddress;
    const port = socket.remotePort ?? 0;
    if (this.stopping !== null || address === undefined) {
      socket.on('error', ignoreError);
      socket.destroy();
      return;
    }
    // libuv never reports a zone id or a spelling normalizeIp refuses; the raw text would still
    // be a usable key if it did.
    const ip = normalizeIp(address) ?? address;
    const monitor = this.state.monitor;
    if (monitor.isBlacklisted(ip)) {
      this.refused.blacklisted++;
      monitor.recordReject(ip);
      socket.on('error', ignoreError);
      socket.destroy();
      this.logger.debug('rejecting blacklisted peer', {
        ip,
        port,
        reason: monitor.blacklistReason(ip) ?? 'blacklisted',
      });
      return;
    }
    const penalty = this.state.tracker.recordConnectAttempt(ip);
    if (penalty !== undefined) {
      // The connection that crosses the connect-rate threshold is refused, and so are those after it.
      socket.on('error', ignoreError);
      socket.destroy();
      this.applyPenalty(penalty);
      this.refused.rate++;
      monitor.recordReject(ip);
      return;
    }
    const perIp = this.abuse.maxConnectionsPerIp;
    if (perIp > 0 && monitor.connectedCount(ip) >= perIp && !this.state.tracker.isExempt(ip)) {
      socket.on('error', ignoreError);
      socket.destroy();
      this.refused.perIp++;
      monitor.recordReject(ip);
      this.logger.debug('connections per IP reached, rejecting peer', {
        ip,
        port,
        maxConnectionsPerIp: perIp,
      });
      const capPenalty = this.state.tracker.recordCapRefusal(ip);
      if (capPenalty !== undefined) this.applyPenalty(capPenalty);
      return;
    }
    const max = this.runtime.maxConnections;
    if (max > 0 && this.peers.size >= max) {
      this.refused.full++;
      socket.on('error', ignoreError);
      socket.destroy();
      this.logger.warn('max connections reached, rejecting peer', { ip, port, maxConnections: max });
      return;
    }
    this.admit(socket, ip, port);
  };

  private admit(socket: Socket, ip: string, port: number): void {
    const id = this.ctx.dynamicIds.next();
    const peer = new StreamPeer(id, ip, port, socket, this);
    this.peers.set(id, peer);
    this.state.monitor.recordConnected(ip);
    this.logger.info('peer connected', { ip, port, peer: id });
    const info = makeInterfaceInfo({
      id,
      name: `${this.link.typeName}/${id}`,
      mode: this.ctx.mode,
      ingressControl: this.ctx.ingressControl,
      bitrate: this.link.bitrate,
      mtu: this.link.hwMtu,
      autoconfigureMtu: this.link.autoconfigureMtu,
      inCapable: true,
      outCapable: true,
    });
    if (!this.emit(pluginEvent('peer.connected', { peerId: id, ip, port }))) return;
    this.emit({ type: 'InterfaceUp', id, writer: peer, info });
  }

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
