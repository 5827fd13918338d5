import { keyFromHex, keyHex } from './binary-key';
import { PathEntry, PathState, nextHopOf } from './path-table';
import { TransportState } from './transport-state';

/** How full each table is. */
export interface TransportTableSizes {
  readonly paths: number;
  readonly links: number;
  readonly reverse: number;
  /** Announces waiting for their rebroadcast or path responses for their grace time. */
  readonly announces: number;
  /** Announces held by ingress control. */
  readonly held: number;
  /** Announces queued by announce caps. */
  readonly capped: number;
  /** Announces waiting for signature verification. */
  readonly verifying: number;
  readonly tunnels: number;
  /** Packet hashes remembered. */
  readonly hashlist: number;
  /** Destinations with an announce rate record. */
  readonly rates: number;
  /** Discovery path requests waiting. */
  readonly discovery: number;
}

/** One path, for status output and the CLI. */
export interface PathInfo {
  /** Destination hash, hex. */
  readonly destination: string;
  readonly hops: number;
  /** Next hop (a transport id, or the destination itself), hex. */
  readonly nextHop: string;
  readonly interfaceId: number;
  readonly interfaceName: string;
  /** When learnt or last used, ms since the epoch. */
  readonly timestamp: number;
  /** When it stops being preferred over longer paths, ms since the epoch. */
  readonly expires: number;
  readonly state: 'unknown' | 'unresponsive' | 'responsive';
  /** Whether a live link runs over it (it is never evicted then). */
  readonly linked: boolean;
}

/** Filters for {@link TransportView.paths}. */
export interface PathFilter {
  /** Only paths via the interface of this name. */
  readonly interfaceName?: string;
  /** Only paths of at most this many hops. */
  readonly maxHops?: number;
  /** Only this destination (hex). */
  readonly destination?: string;
}

const STATE_NAMES = {
  [PathState.Unknown]: 'unknown',
  [PathState.Unresponsive]: 'unresponsive',
  [PathState.Responsive]: 'responsive',
} as const;

/**
 * Read access to the engine's tables for status output and the `paths` CLI, plus
 * the few operator actions (dropping a path). Every method copies: nothing returned aliases the
 * engine's live entries.
 */
export class TransportView {
  constructor(private readonly state: TransportState) {}

  /** Our transport id, hex. */
  transportId(): string {
    return keyHex(this.state.identityKey);
  }

  /** Table sizes. */
  sizes(): TransportTableSizes {
    const s = this.state;
    return {
      paths: s.paths.size,
      links: s.links.size,
      reverse: s.reverse.size,
      announces: s.announces.size,
      held: s.heldTotal,
      capped: s.queuedTotal,
      verifying: s.verification.size,
      tunnels: s.tunnels.size,
      hashlist: s.hashlist.size,
      rates: s.rates.size,
      discovery: s.discovery.size,
    };
  }

  /** The paths matching `filter`, sorted by interface name, hops, then destination. */
  paths(filter: PathFilter = {}): PathInfo[] {
    const wanted = filter.destination === undefined ? undefined : keyFromHex(filter.destination);
    if (filter.destination !== undefined && wanted === undefined) return [];
    const out: PathInfo[] = [];
    const consider = (path: PathEntry) => {
      if (filter.maxHops !== undefined && path.hops > filter.maxHops) return;
      const name = path.iface.info.name;
      if (filter.interfaceName !== undefined && name !== filter.interfaceName) return;
      out.push({
        destination: keyHex(path.destination),
        hops: path.hops,
        nextHop: keyHex(nextHopOf(path)),
        interfaceId: path.iface.id,
        interfaceName: name,
        timestamp: path.timestamp,
        expires: path.expires,
        state: STATE_NAMES[path.state],
        linked: this.state.paths.isPinned(path.destination),
      });
    };
    if (wanted !== undefined) {
      const path = this.state.paths.get(wanted);
      if (path !== undefined) consider(path);
    } else {
      for (const path of this.state.paths.values()) consider(path);
    }
    return out.sort(
      (a, b) =>
        a.interfaceName.localeCompare(b.interfaceName) ||
        a.hops - b.hops ||
        a.destination.localeCompare(b.destination),
    );
  }

  /** Drops the path to a destination (hex); false when there is none or the hex is not a hash. */
  dropPath(destinationHex: string): boolean {
    const key = keyFromHex(destinationHex);
    return key !== undefined && this.state.paths.delete(key);
  }
}
