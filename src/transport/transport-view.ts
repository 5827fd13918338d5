import { InterfaceId } from '../core/interface-id';
import { PagedListings } from '../core/paged-listing';
import { RuntimeConfigResult, runtimeConfigError } from '../core/runtime-config';
import { keyFromHex, keyHex } from '../core/binary-key';
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
  /** The interface's name (a spawned peer's is `Type/id`). */
  readonly interfaceName: string;
  /** For a path via a spawned peer: the id of the listener that spawned it. */
  readonly parentId: number | null;
  /** When learnt or last used, ms since the epoch. */
  readonly timestamp: number;
  /** When it stops being preferred over longer paths, ms since the epoch. */
  readonly expires: number;
  readonly state: 'unknown' | 'unresponsive' | 'responsive';
  /** Whether a live link runs over it (it is never evicted then). */
  readonly linked: boolean;
}

/** Filters for {@link TransportView.paths} and {@link TransportView.pathPage}. */
export interface PathFilter {
  /**
   * Only paths via the interface of this id, or via the peers spawned by the listener of this id
   * (whose entries name it as their parent).
   */
  readonly interfaceId?: InterfaceId;
  /** Only paths of at most this many hops. */
  readonly maxHops?: number;
  /** Only destinations whose hash starts with these hex digits (a whole hash: that destination). */
  readonly destination?: string;
}

/** What {@link TransportView.pathPage} reads: one page of a filtered listing. */
export interface PathPageRequest extends PathFilter {
  /** The cursor of the previous page; absent to start a listing. */
  readonly cursor?: string;
  /** Most paths on the page (default 250, at most 1000). */
  readonly limit?: number;
}

/** One page of paths. */
export interface PathPage {
  /** In no particular order. */
  readonly paths: PathInfo[];
  /** Pass it back (with the same filters) for the next page; null on the last page. */
  readonly cursor: string | null;
}

/** Paths a page may look at: a filter that matches few paths still costs a page about a millisecond. */
const PATH_PAGE_SCAN = 8192;

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
  private readonly listings: PagedListings<PathEntry>;

  constructor(private readonly state: TransportState) {
    this.listings = new PagedListings(state.clock, 'path', (limit) => Math.max(2 * limit, PATH_PAGE_SCAN));
  }

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

  /**
   * The paths matching `filter`, sorted by interface name, hops, then destination. Builds the
   * whole list in one turn: for tests and small tables; operators page with {@link pathPage}.
   */
  paths(filter: PathFilter = {}): PathInfo[] {
    const match = pathMatcher(filter);
    if (match === undefined) return [];
    const out: PathInfo[] = [];
    const exact = filter.destination === undefined ? undefined : keyFromHex(filter.destination);
    const candidates = exact === undefined ? this.state.paths.values() : [this.state.paths.get(exact)];
    for (const path of candidates) if (path !== undefined && match(path)) out.push(this.info(path));
    return out.sort(
      (a, b) =>
        a.interfaceName.localeCompare(b.interfaceName) ||
        a.hops - b.hops ||
        a.destination.localeCompare(b.destination),
    );
  }

  /**
   * One page of the paths matching the request's filters, walking the live table lazily so a
   * listing of 100,000 paths never holds up the node: a page looks at no more than 8,192 paths
   * (fewer results than the limit do not mean the end; a null cursor does). A path that changes
   * during the listing may be listed twice or missed. `invalid_value` for a destination that is
   * not hex, a bad limit, or a cursor that is unknown, used, expired or given with other filters.
   */
  pathPage(request: PathPageRequest): RuntimeConfigResult<PathPage> {
    const match = pathMatcher(request);
    if (match === undefined) {
      return runtimeConfigError(
        'invalid_value',
        `destination '${request.destination}' is not hex (up to 32 digits)`,
      );
    }
    const scope = JSON.stringify([request.interfaceId, request.maxHops, request.destination]);
    const page = this.listings.page(
      { cursor: request.cursor, limit: request.limit, scope },
      () => this.state.paths.values(),
      (path) => (match(path) ? this.info(path) : undefined),
    );
    return page.ok ? { ok: true, value: { paths: page.value.items, cursor: page.value.cursor } } : page;
  }

  /** Drops the path to a destination (hex); false when there is none or the hex is not a hash. */
  dropPath(destinationHex: string): boolean {
    const key = keyFromHex(destinationHex);
    return key !== undefined && this.state.paths.delete(key);
  }

  private info(path: PathEntry): PathInfo {
    return {
      destination: keyHex(path.destination),
      hops: path.hops,
      nextHop: keyHex(nextHopOf(path)),
      interfaceId: path.iface.id,
      interfaceName: path.iface.info.name,
      parentId: path.iface.parentId,
      timestamp: path.timestamp,
      expires: path.expires,
      state: STATE_NAMES[path.state],
      linked: this.state.paths.isPinned(path.destination),
    };
  }
}

/** The test a path must pass, or undefined when the destination filter is not hex. */
function pathMatcher(filter: PathFilter): ((path: PathEntry) => boolean) | undefined {
  const prefix = (filter.destination ?? '').trim().replace(/^<|>$/g, '').toLowerCase();
  if (!/^[0-9a-f]{0,32}$/.test(prefix)) return undefined;
  const whole = Buffer.from(prefix.slice(0, prefix.length & ~1), 'hex');
  const nibble = prefix.length % 2 === 1 ? parseInt(prefix[prefix.length - 1], 16) : -1;
  const { interfaceId, maxHops } = filter;
  return (path) => {
    if (maxHops !== undefined && path.hops > maxHops) return false;
    if (interfaceId !== undefined && path.iface.id !== interfaceId && path.iface.parentId !== interfaceId)
      return false;
    const key = path.destination;
    for (let i = 0; i < whole.length; i++) if (key.charCodeAt(i) !== whole[i]) return false;
    return nibble < 0 || key.charCodeAt(whole.length) >> 4 === nibble;
  };
}
