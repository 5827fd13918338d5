import { Clock, systemClock } from '../clock';
import { RnsError } from '../errors';
import { ipSortKey, normalizeIp } from '../ip-address';
import { PeerStateEntry, PeerStateHandle, PeerStatePage } from '../peer-state';
import { RuntimeConfigResult, runtimeConfigError } from '../runtime-config';
import { RNS_ERR_DUPLICATE_INTERFACE } from '../error-codes';

/**
 * Entries per page when the caller names no limit. A page is built and serialised in one turn of
 * the event loop: 250 entries take well under a millisecond on a current core.
 */
export const DEFAULT_PEER_PAGE_SIZE = 250;

/** Most entries per page, which bounds the time one page takes from the relay. */
export const MAX_PEER_PAGE_SIZE = 1000;

/** Listings open at once; opening one more forgets the least recently used. */
export const MAX_OPEN_PEER_LISTINGS = 8;

/** A listing nobody asked for a page of for this long is forgotten. */
export const PEER_LISTING_IDLE_MS = 60_000;

/** What to list: one page. */
export interface PeerPageRequest {
  /** One listener, or all when absent (on the first page; later pages follow the cursor). */
  readonly interfaceName?: string;
  /** The cursor of the previous page; absent to start a listing. */
  readonly cursor?: string;
  /** Most entries on the page (default {@link DEFAULT_PEER_PAGE_SIZE}, at most {@link MAX_PEER_PAGE_SIZE}). */
  readonly limit?: number;
}

/** A listing under way: a walk over the IPs of each listener in turn, read a page at a time. */
interface Listing {
  readonly interfaceName: string | undefined;
  /** The listeners still to walk, the one being walked first. */
  readonly handles: PeerStateHandle[];
  /** The walk over the first of `handles`, started when its first page is read. */
  walk: Iterator<string> | null;
  /** An IP walked to but not read yet (looked ahead to tell whether a page is the last). */
  ahead: string | undefined;
  /** The number in the cursor handed out last: only that cursor is good (once). */
  nextPage: number;
  lastUsedAt: number;
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
  /** Open listings by id, least recently used first. */
  private readonly listings = new Map<number, Listing>();
  private nextListingId = 1;

  constructor(private readonly clock: Clock = systemClock) {}

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
   * an unknown, used or expired one (a listing is kept {@link PEER_LISTING_IDLE_MS} after its last
   * page, at most {@link MAX_OPEN_PEER_LISTINGS} at once) is `invalid_value`.
   */
  listPage(request: PeerPageRequest = {}): RuntimeConfigResult<PeerStatePage> {
    const limit = request.limit ?? DEFAULT_PEER_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PEER_PAGE_SIZE) {
      return runtimeConfigError('invalid_value', `page limit must be an integer 1..${MAX_PEER_PAGE_SIZE}`);
    }
    const now = this.clock.now();
    this.forgetIdleListings(now);
    if (request.cursor === undefined) {
      return { ok: true, value: this.page(this.open(request.interfaceName, now), limit, now) };
    }
    const parsed = /^(\d+):(\d+)$/.exec(request.cursor);
    const id = Number(parsed?.[1]);
    const listing = this.listings.get(id);
    if (
      listing === undefined ||
      listing.nextPage !== Number(parsed?.[2]) ||
      listing.interfaceName !== request.interfaceName
    ) {
      return runtimeConfigError(
        'invalid_value',
        `unknown or expired peer listing cursor '${request.cursor}'; start the listing again`,
      );
    }
    return { ok: true, value: this.page(id, limit, now) };
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

  /** Starts a listing of the selected listeners. */
  private open(interfaceName: string | undefined, now: number): number {
    while (this.listings.size >= MAX_OPEN_PEER_LISTINGS) {
      this.listings.delete(this.listings.keys().next().value as number);
    }
    const id = this.nextListingId++;
    const handles = this.selected(interfaceName);
    this.listings.set(id, {
      interfaceName,
      handles,
      walk: null,
      ahead: undefined,
      nextPage: 0,
      lastUsedAt: now,
    });
    return id;
  }

  /**
   * Reads up to `limit` entries from where the listing stopped, looking at no more than
   * `2 x limit` IPs (an IP walked to may have no state by the time it is read), so a page costs
   * O(limit) whatever happened meanwhile. One IP is walked to ahead, to tell the last page.
   */
  private page(id: number, limit: number, now: number): PeerStatePage {
    const listing = this.listings.get(id) as Listing;
    const peers: PeerStateEntry[] = [];
    for (let looked = 0; peers.length < limit && looked < 2 * limit; looked++) {
      const ip = this.nextIp(listing);
      if (ip === undefined) break;
      const entry = (listing.handles[0] as PeerStateHandle).entry(ip);
      if (entry !== undefined) peers.push(entry);
    }
    this.listings.delete(id);
    listing.ahead = this.nextIp(listing);
    if (listing.ahead === undefined) return { peers, cursor: null };
    // Re-inserted: the most recently used listing goes last, for the eviction in open().
    listing.lastUsedAt = now;
    listing.nextPage += 1;
    this.listings.set(id, listing);
    return { peers, cursor: `${id}:${listing.nextPage}` };
  }

  /** The next IP of the listing (of the listener now first in `handles`), or undefined at the end. */
  private nextIp(listing: Listing): string | undefined {
    if (listing.ahead !== undefined) {
      const ip = listing.ahead;
      listing.ahead = undefined;
      return ip;
    }
    for (let handle = listing.handles[0]; handle !== undefined; handle = listing.handles[0]) {
      listing.walk ??= handle.ips();
      const next = listing.walk.next();
      if (next.done !== true) return next.value;
      listing.handles.shift();
      listing.walk = null;
    }
    return undefined;
  }

  private forgetIdleListings(now: number): void {
    for (const [id, listing] of this.listings) {
      if (now - listing.lastUsedAt > PEER_LISTING_IDLE_MS) this.listings.delete(id);
    }
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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
