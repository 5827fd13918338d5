import { Clock, systemClock } from '../clock';
import { RnsError } from '../errors';
import { ipSortKey, normalizeIp } from '../ip-address';
import { PeerStateEntry, PeerStateHandle, PeerStatePage } from '../peer-state';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PagedListings } from '../paged-listing';
import { RuntimeConfigResult, runtimeConfigError } from '../runtime-config';
import { RNS_ERR_DUPLICATE_INTERFACE } from '../error-codes';

/** Entries per page when the caller names no limit (see {@link PagedListings}). */
export const DEFAULT_PEER_PAGE_SIZE = DEFAULT_PAGE_SIZE;

/** Most entries per page. */
export const MAX_PEER_PAGE_SIZE = MAX_PAGE_SIZE;

/** What to list: one page. */
export interface PeerPageRequest {
  /** One listener, or all when absent (on the first page; later pages follow the cursor). */
  readonly interfaceName?: string;
  /** The cursor of the previous page; absent to start a listing. */
  readonly cursor?: string;
  /** Most entries on the page (default {@link DEFAULT_PEER_PAGE_SIZE}, at most {@link MAX_PEER_PAGE_SIZE}). */
  readonly limit?: number;
}

/**
 * Serves the peer-state handles of every attached listener by interface name: list, clear and
 * blacklist, with runtime-config style results (`not_found`, `invalid_value`, `invalid_type`,
 * `apply_failed`) so operator surfaces report every failure the same way.
 *
 * A listing of a large table is paged ({@link listPage}): it walks the live tables lazily
 * (`PeerStateHandle.ips`), and every page reads at most {@link MAX_PEER_PAGE_SIZE} entries, so no
 * turn of the event loop spends long on it however many peers there are. Pages are unsorted, and
 * an IP whose state changed during the listing may be listed twice: the reader sorts
 * (`compareIp`) and keeps the last entry of an IP.
 */
export class PeerStateService {
  private readonly handles = new Map<string, PeerStateHandle>();
  private readonly listings: PagedListings<{ readonly handle: PeerStateHandle; readonly ip: string }>;

  constructor(clock: Clock = systemClock) {
    this.listings = new PagedListings(clock, 'peer');
  }

  /**
   * Adds a handle.
   *
   * @throws {@link RnsError} `RNS_ERR_DUPLICATE_INTERFACE` when the name already has one.
   */
  add(handle: PeerStateHandle): void {
    if (this.handles.has(handle.interfaceName)) {
      throw new RnsError(
        RNS_ERR_DUPLICATE_INTERFACE,
        `a peer-state handle for interface '${handle.interfaceName}' is already registered`,
      );
    }
    this.handles.set(handle.interfaceName, handle);
  }

  /** Whether an interface of this name has a handle registered. */
  has(interfaceName: string): boolean {
    return this.handles.has(interfaceName);
  }

  /**
   * Peer state of one interface, or of all; sorted by interface name, then IP. Built in one turn
   * (O(n log n)): for in-process callers and small tables; operators page with {@link listPage}.
   */
  list(interfaceName?: string): PeerStateEntry[] {
    const keyed: Array<{ key: string; entry: PeerStateEntry }> = [];
    for (const handle of this.selected(interfaceName)) {
      for (const ip of new Set(handle.ips())) {
        const entry = handle.entry(ip);
        if (entry !== undefined) keyed.push({ key: ipSortKey(ip), entry });
      }
    }
    keyed.sort(
      (a, b) => compareText(a.entry.interfaceName, b.entry.interfaceName) || compareText(a.key, b.key),
    );
    return keyed.map((k) => k.entry);
  }

  /**
   * One page of the peer state of one interface (none for an interface that keeps none), or of
   * all. Without a cursor it starts a listing; with the cursor of the previous page it goes on. The
   * last page has a null cursor. Every IP whose state does not change during the listing is listed
   * once; one whose state changes meanwhile may be listed twice, or missed. A cursor is good for one page:
   * an unknown, used or expired one (a listing is kept {@link LISTING_IDLE_MS} after its last
   * page, at most {@link MAX_OPEN_LISTINGS} at once) is `invalid_value`.
   */
  listPage(request: PeerPageRequest = {}): RuntimeConfigResult<PeerStatePage> {
    const page = this.listings.page(
      { cursor: request.cursor, limit: request.limit, scope: request.interfaceName ?? '' },
      () => walkIps(this.selected(request.interfaceName)),
      ({ handle, ip }) => handle.entry(ip),
    );
    return page.ok ? { ok: true, value: { peers: page.value.items, cursor: page.value.cursor } } : page;
  }

  /** Forgets an IP's state; `true` when there was any. */
  clear(interfaceName: string, ip: string): RuntimeConfigResult<boolean> {
    const target = this.target(interfaceName, ip);
    if (!target.ok) return target;
    const { handle, address } = target.value;
    try {
      return { ok: true, value: handle.clear(address) };
    } catch (err) {
      return runtimeConfigError(
        'apply_failed',
        `failed to clear ${address} on '${interfaceName}': ${message(err)}`,
      );
    }
  }

  /** Blacklists an IP; the value is the duration the handle applied, in seconds. */
  blacklist(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number> {
    if (typeof durationSecs !== 'number') {
      return runtimeConfigError('invalid_type', 'blacklist duration expects a numeric value');
    }
    if (!Number.isFinite(durationSecs) || durationSecs < 0) {
      return runtimeConfigError(
        'invalid_value',
        `blacklist duration must be a finite number >= 0, got ${durationSecs}`,
      );
    }
    if (typeof reason !== 'string')
      return runtimeConfigError('invalid_type', 'blacklist reason expects a string');
    const target = this.target(interfaceName, ip);
    if (!target.ok) return target;
    const { handle, address } = target.value;
    try {
      return { ok: true, value: handle.blacklist(address, durationSecs, reason) };
    } catch (err) {
      return runtimeConfigError(
        'apply_failed',
        `failed to blacklist ${address} on '${interfaceName}': ${message(err)}`,
      );
    }
  }

  private selected(interfaceName: string | undefined): PeerStateHandle[] {
    if (interfaceName !== undefined) {
      const handle = this.handles.get(interfaceName);
      return handle === undefined ? [] : [handle];
    }
    return [...this.handles.values()].sort((a, b) => compareText(a.interfaceName, b.interfaceName));
  }

  private target(
    interfaceName: string,
    ip: string,
  ): RuntimeConfigResult<{ handle: PeerStateHandle; address: string }> {
    const handle = this.handles.get(interfaceName);
    if (handle === undefined) {
      return runtimeConfigError('not_found', `interface '${interfaceName}' not found or keeps no peer state`);
    }
    const address = typeof ip === 'string' ? normalizeIp(ip) : undefined;
    if (address === undefined) return runtimeConfigError('invalid_value', `invalid peer IP '${String(ip)}'`);
    return { ok: true, value: { handle, address } };
  }
}

/** Every IP of each listener in turn, walked lazily. */
function* walkIps(handles: readonly PeerStateHandle[]): Generator<{ handle: PeerStateHandle; ip: string }> {
  for (const handle of handles) for (const ip of handle.ips()) yield { handle, ip };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
