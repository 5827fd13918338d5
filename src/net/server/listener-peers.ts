import { Socket } from 'node:net';
import { Clock, Timer } from '../../core/clock';
import { InterfaceEvent } from '../../core/events';
import { InterfaceId } from '../../core/interface-id';
import { InterfaceInfo } from '../../core/interface-info';
import { normalizeIp } from '../../core/ip-address';
import { Logger } from '../../core/logger';
import { PeerCloseCause, pluginEvent } from '../../core/plugin-events';
import { Writer } from '../../core/writer';
import { StartContext } from '../../registry/interface-factory';
import { DisconnectCause } from '../abuse/behaviour-tracker';
import { Penalty } from '../abuse/penalty';
import { BEHAVIOUR_SWEEP_INTERVAL_MS, ignoreError, SWEEP_STEP_ENTRIES } from '../net-constants';
import { ServerLiveControl, StreamServerState } from './server-state';

/** What {@link ListenerPeers} needs of one accepted connection, whatever carries it (TCP, WebSocket). */
export interface ListenerPeer {
  /** The peer's canonical IP (see normalizeIp). */
  readonly ip: string;
  /** The peer's port. */
  readonly port: number;
  /** When the connection was accepted (clock ms). */
  readonly connectedAt: number;
  /** Whether the peer has sent any byte. */
  readonly hadReceivedData: boolean;
  /** Null while open; once closing, why (the cause `peer.disconnected` reports). */
  readonly closeReason: PeerCloseCause | null;
  /** Closes the connection; it reports back through {@link ListenerPeers.closed}. */
  disconnect(reason: 'blacklisted' | 'stopped'): void;
  /** A live setting changed: re-arm timers. */
  runtimeChanged(): void;
}

/**
 * What the behaviour tracker is told about a closed connection. Closes we caused ourselves (stop,
 * operator blacklist, penalty disconnect) are `local` and never count against the peer, and so is
 * an eviction by the node-wide receive budget: the evicted peer held the largest unfinished frame
 * at that moment, which an honest peer sending one large packet can do while others fill the
 * budget. Holding an unfinished frame past its deadline does count; so does a protocol offence a
 * plugin reports under a cause of its own (a WebSocket text message, say), as a remote close.
 */
export function disconnectCause(reason: PeerCloseCause | null): DisconnectCause {
  switch (reason) {
    case 'idle_timeout':
      return 'idle_timeout';
    case 'write_stall':
      return 'write_stall';
    case 'partial_frame_timeout':
      return 'partial_frame_timeout';
    case 'receive_budget':
    case 'blacklisted':
    case 'stopped':
      return 'local';
    default:
      return 'remote_closed';
  }
}

/**
 * The transport-free half of a listener: the admission gate, the table of accepted connections,
 * the peer lifecycle events, the penalties the behaviour tracker decides, and the periodic sweep
 * of the per-IP tables. A server owns one and keeps only its sockets.
 *
 * Admission is one ordered gate run before anything is allocated for a connection: blacklisted
 * IP -> refused (reject counted); connect rate exceeded -> penalty applied and this connection
 * refused (reject counted); `max_connections_per_ip` reached by a non-exempt IP -> refused
 * (reject counted) and penalised; `max_connections` reached -> refused; else admitted. Events per
 * peer, in this order: `peer.connected`, InterfaceUp; on close `peer.disconnected` (with its
 * cause), then InterfaceDown exactly once, then `peer.penalty` if the close triggered one.
 *
 * A connection is tracked from admission; it becomes an interface ({@link up}) at once on a
 * stream server, after its handshake on a WebSocket server. One that closes before that sends no
 * event, but counts against its IP like any other.
 */
export class ListenerPeers<P extends ListenerPeer> implements ServerLiveControl {
  private readonly peers = new Set<P>();
  /** Connections refused at admission, by the rule that refused them. */
  private readonly refused = { blacklisted: 0, rate: 0, perIp: 0, full: 0 };
  private stopping: Promise<void> | null = null;
  private allPeersClosed: (() => void) | null = null;
  private sweepTimer: Timer | null = null;
  /** The next step of a sweep pass under way, or null between passes. */
  private sweepStep: Timer | null = null;
  private readonly clock: Clock;
  private readonly logger: Logger;

  /**
   * @param state - the server's live state (settings, peer monitor, behaviour tracker).
   * @param ctx - the start context (events, ids, clock, logger).
   * @param onSinkClosed - called once when the driver's event sink closed: stop the server.
   */
  constructor(
    private readonly state: StreamServerState,
    private readonly ctx: StartContext,
    private readonly onSinkClosed: () => void,
  ) {
    this.clock = ctx.clock;
    this.logger = ctx.logger;
  }

  /** How many connections are tracked (admitted and not yet closed). */
  get size(): number {
    return this.peers.size;
  }

  /** Whether {@link stop} was called. */
  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** The tracked connections. */
  values(): IterableIterator<P> {
    return this.peers.values();
  }

  /** Starts serving the state's handles and the periodic sweep: call once listening. */
  start(): void {
    this.state.attach(this);
    this.sweepTimer = this.clock.setInterval(this.startSweep, BEHAVIOUR_SWEEP_INTERVAL_MS);
  }

  /**
   * Runs the admission gate for a socket the listener just accepted: its canonical address when
   * admitted (the caller creates its peer and {@link add}s it now), or null once the socket is
   * destroyed: it had no address, `listenerStopping`, or the gate refused it.
   */
  admitSocket(socket: Socket, listenerStopping: boolean): { ip: string; port: number } | null {
    const address = socket.remoteAddress;
    const port = socket.remotePort ?? 0;
    // libuv never reports a zone id or a spelling normalizeIp refuses; the raw text would still
    // be a usable key if it did.
    const ip = address === undefined ? undefined : (normalizeIp(address) ?? address);
    if (ip === undefined || listenerStopping || !this.admit(ip, port)) {
      socket.on('error', ignoreError);
      socket.destroy();
      return null;
    }
    return { ip, port };
  }

  /**
   * Runs the admission gate for a connection from `ip`. True: admitted, counted as connected; the
   * caller creates its peer and {@link add}s it now. False: refused and counted; the caller
   * destroys the socket.
   */
  admit(ip: string, port: number): boolean {
    if (this.stopping !== null) return false;
    const monitor = this.state.monitor;
    if (monitor.isBlacklisted(ip)) {
      this.refused.blacklisted++;
      monitor.recordReject(ip);
      this.logger.debug('rejecting blacklisted peer', {
        ip,
        port,
        reason: monitor.blacklistReason(ip) ?? 'blacklisted',
      });
      return false;
    }
    const penalty = this.state.tracker.recordConnectAttempt(ip);
    if (penalty !== undefined) {
      // The connection that crosses the connect-rate threshold is refused, and so are those after it.
      this.applyPenalty(penalty);
      this.refused.rate++;
      monitor.recordReject(ip);
      return false;
    }
    const perIp = this.state.abuse.maxConnectionsPerIp;
    if (perIp > 0 && monitor.connectedCount(ip) >= perIp && !this.state.tracker.isExempt(ip)) {
      this.refused.perIp++;
      monitor.recordReject(ip);
      this.logger.debug('connections per IP reached, rejecting peer', {
        ip,
        port,
        maxConnectionsPerIp: perIp,
      });
      const capPenalty = this.state.tracker.recordCapRefusal(ip);
      if (capPenalty !== undefined) this.applyPenalty(capPenalty);
      return false;
    }
    const max = this.state.runtime.maxConnections;
    if (max > 0 && this.peers.size >= max) {
      this.refused.full++;
      this.logger.warn('max connections reached, rejecting peer', { ip, port, maxConnections: max });
      return false;
    }
    monitor.recordConnected(ip);
    return true;
  }

  /** Tracks an admitted connection (right after {@link admit} returned true). */
  add(peer: P): void {
    this.peers.add(peer);
  }

  /**
   * The connection is an interface now: `peer.connected`, then `InterfaceUp(id, writer, info)`.
   * Returns false when the driver is gone (the server is stopping).
   */
  up(peer: P, id: InterfaceId, info: InterfaceInfo, writer: Writer): boolean {
    this.logger.info('peer connected', { ip: peer.ip, port: peer.port, peer: id });
    if (!this.emit(pluginEvent('peer.connected', { peerId: id, ip: peer.ip, port: peer.port }))) return false;
    return this.emit({ type: 'InterfaceUp', id, writer, info });
  }

  /** One packet from the interface `id`. */
  frame(id: InterfaceId, data: Buffer): void {
    this.emit({ type: 'Frame', id, data });
  }

  /**
   * A tracked connection closed (call once per connection): `peer.disconnected` and
   * `InterfaceDown` when it was up as interface `id`; then its close is reported to the behaviour
   * tracker, and a penalty it decides is applied.
   */
  closed(peer: P, id: InterfaceId | null): void {
    if (!this.peers.delete(peer)) return;
    this.state.monitor.recordDisconnected(peer.ip);
    const connectedForMs = this.clock.now() - peer.connectedAt;
    if (id !== null) {
      this.logger.debug('peer disconnected', {
        peer: id,
        ip: peer.ip,
        port: peer.port,
        reason: peer.closeReason,
        connectedForMs,
      });
      this.emit(
        pluginEvent('peer.disconnected', {
          peerId: id,
          ip: peer.ip,
          port: peer.port,
          cause: peer.closeReason ?? 'remote',
          connectedForMs,
          hadReceivedData: peer.hadReceivedData,
        }),
      );
      this.emit({ type: 'InterfaceDown', id });
    }
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
   * Stops admitting, closes every tracked connection (`stopped`) and resolves once all reported
   * closed. Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.state.detach(this);
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    this.sweepStep?.cancel();
    this.sweepStep = null;
    this.stopping = new Promise<void>((resolve) => {
      if (this.peers.size === 0) resolve();
      else this.allPeersClosed = resolve;
    });
    for (const peer of [...this.peers]) peer.disconnect('stopped');
    return this.stopping;
  }

  runtimeChanged(): void {
    for (const peer of this.peers) peer.runtimeChanged();
    // A lowered max_tracked_peers is worked off now, a step at a time, not at the next sweep.
    this.startSweep();
  }

  /** Disconnects the live connections of `ip` (canonical, see normalizeIp). */
  disconnectIp(ip: string, reason: string): number {
    let count = 0;
    for (const peer of [...this.peers]) {
      if (peer.ip !== ip || peer.closeReason !== null) continue;
      this.logger.info('disconnecting blacklisted peer', { ip, port: peer.port, reason });
      peer.disconnect('blacklisted');
      count++;
    }
    return count;
  }

  /**
   * Connections refused at admission: `conn_refused_blacklisted`, `conn_refused_rate` (connect
   * rate exceeded), `conn_refused_per_ip` (`max_connections_per_ip`), `conn_refused_full`
   * (`max_connections`).
   */
  refusals(): Record<string, number> {
    return {
      conn_refused_blacklisted: this.refused.blacklisted,
      conn_refused_rate: this.refused.rate,
      conn_refused_per_ip: this.refused.perIp,
      conn_refused_full: this.refused.full,
    };
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

  /** Sends an event; once the driver is gone, stops the server (as rns-net's thread exits). */
  private emit(event: InterfaceEvent): boolean {
    if (this.ctx.events.send(event)) return true;
    if (this.stopping === null) {
      this.logger.info('event sink closed, stopping server');
      this.onSinkClosed();
    }
    return false;
  }
}
