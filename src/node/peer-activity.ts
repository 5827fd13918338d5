import { formatHostPort } from '../core/ip-address';
import { InterfaceId } from '../core/interface-id';

/** The most penalty reasons counted apart per listener, `other` included (where further ones go). */
export const MAX_PENALTY_REASONS = 32;

/** What happened to the peers of one listener since the node started. */
export interface PeerActivityCounts {
  /** Peers admitted. */
  connected: number;
  /** Peer connections that ended, for any reason. */
  disconnected: number;
  /** Of `disconnected`: peers dropped for sending nothing within the idle timeout. */
  idleTimeouts: number;
  /** Of `disconnected`: peers dropped for not draining their send buffer. */
  writeStalls: number;
  /** Penalties (blacklistings for behaviour) by reason. */
  readonly penalties: Map<string, number>;
}

/**
 * Counts of the peer events listeners report, per listener, for metrics. Events are rare next
 * to frames (one per connection or penalty), so counting them costs the packet path nothing.
 * With `trackAddresses`, the address of each live peer is kept too (for per-peer metrics),
 * and forgotten when the peer goes.
 */
export class PeerActivity {
  private readonly byListener = new Map<InterfaceId, PeerActivityCounts>();
  private readonly addresses = new Map<InterfaceId, string>();

  constructor(private readonly trackAddresses = false) {}

  /** A peer of `listener` was admitted, from `ip` port `port`. */
  connected(listener: InterfaceId, peer: InterfaceId, ip: string, port: number): void {
    this.bucket(listener).connected++;
    if (this.trackAddresses) this.addresses.set(peer, formatHostPort(ip, port));
  }

  /** A peer's connection ended. */
  disconnected(listener: InterfaceId, peer: InterfaceId): void {
    this.bucket(listener).disconnected++;
    this.addresses.delete(peer);
  }

  /** The peer is gone from the driver's table (whether or not its listener reported it). */
  forget(peer: InterfaceId): void {
    this.addresses.delete(peer);
  }

  /** A peer was dropped for idling. */
  idleTimeout(listener: InterfaceId): void {
    this.bucket(listener).idleTimeouts++;
  }

  /** A peer was dropped for not reading. */
  writeStall(listener: InterfaceId): void {
    this.bucket(listener).writeStalls++;
  }

  /** An IP was penalised for `reason`. */
  penalty(listener: InterfaceId, reason: string): void {
    const penalties = this.bucket(listener).penalties;
    const key = penalties.has(reason) || penalties.size < MAX_PENALTY_REASONS - 1 ? reason : 'other';
    penalties.set(key, (penalties.get(key) ?? 0) + 1);
  }

  /** The counts of `listener`, undefined before its first event (live: read, do not change). */
  of(listener: InterfaceId): Readonly<PeerActivityCounts> | undefined {
    return this.byListener.get(listener);
  }

  private bucket(listener: InterfaceId): PeerActivityCounts {
    let counts = this.byListener.get(listener);
    if (counts === undefined) {
      counts = { connected: 0, disconnected: 0, idleTimeouts: 0, writeStalls: 0, penalties: new Map() };
      this.byListener.set(listener, counts);
    }
    return counts;
  }

  /** The `ip:port` of a live peer, when addresses are tracked and its listener reported it. */
  addressOf(peer: InterfaceId): string | undefined {
    return this.addresses.get(peer);
  }
}
