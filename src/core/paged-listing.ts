import { Clock } from './clock';
import { RuntimeConfigResult, runtimeConfigError } from './runtime-config';

/** Items per page when the caller names no limit. */
export const DEFAULT_PAGE_SIZE = 250;

/** Most items per page, which bounds the time one page takes from the event loop. */
export const MAX_PAGE_SIZE = 1000;

/** Listings open at once; opening one more forgets the least recently used. */
export const MAX_OPEN_LISTINGS = 8;

/** A listing nobody asked for a page of for this long is forgotten. */
export const LISTING_IDLE_MS = 60_000;

/** One page of a listing. */
export interface ListingPage<R> {
  /** The items of this page, in walk order. */
  readonly items: R[];
  /** Pass it back for the next page; null on the last page. */
  readonly cursor: string | null;
}

/** What to read: one page. */
export interface ListingPageRequest {
  /** The cursor of the previous page; absent to start a listing. */
  readonly cursor?: string;
  /** Most items on the page (default {@link DEFAULT_PAGE_SIZE}, at most {@link MAX_PAGE_SIZE}). */
  readonly limit?: number;
  /**
   * What the listing lists (its filters, as a string): a cursor is good only with the scope it
   * was handed out for.
   */
  readonly scope: string;
}

interface Listing<T> {
  readonly scope: string;
  readonly walk: Iterator<T>;
  /** An item walked to but not read yet (looked ahead to tell whether a page is the last). */
  ahead: { readonly value: T } | undefined;
  /** The number in the cursor handed out last: only that cursor is good (once). */
  nextPage: number;
  lastUsedAt: number;
}

/**
 * Lists a large live table a page at a time, so no turn of the event loop spends long on it
 * however big the table is (the control socket's `peers.list` and `paths.list`).
 *
 * A listing is a lazy walk (an iterator over the live table, which may change meanwhile); each
 * page looks at no more than `scan(limit)` items and keeps those `read` turns into a result
 * (filters return undefined), so a page costs O(limit) whatever the table holds. A page may thus
 * hold fewer items than the limit and still have a cursor. An item that changes during the
 * listing may be listed twice, or missed; the reader deduplicates. A cursor is good for one page:
 * an unknown, used or expired one (a listing is kept {@link LISTING_IDLE_MS} after its last page,
 * at most {@link MAX_OPEN_LISTINGS} at once) is `invalid_value`.
 */
export class PagedListings<T> {
  private readonly listings = new Map<number, Listing<T>>();
  private nextId = 1;

  /**
   * @param what - what is listed, for messages (`peer`, `path`)
   * @param scan - items a page may look at for a limit (default twice the limit)
   */
  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly what: string,
    private readonly scan: (limit: number) => number = (limit) => 2 * limit,
  ) {}

  /**
   * One page: without a cursor, the first page of a new listing over `open()`; with the cursor of
   * the previous page, the next one. The last page has a null cursor.
   */
  page<R>(
    request: ListingPageRequest,
    open: () => Iterator<T>,
    read: (item: T) => R | undefined,
  ): RuntimeConfigResult<ListingPage<R>> {
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      return runtimeConfigError('invalid_value', `page limit must be an integer 1..${MAX_PAGE_SIZE}`);
    }
    const now = this.clock.now();
    for (const [id, listing] of this.listings) {
      if (now - listing.lastUsedAt > LISTING_IDLE_MS) this.listings.delete(id);
    }
    let id: number;
    if (request.cursor === undefined) {
      while (this.listings.size >= MAX_OPEN_LISTINGS) {
        this.listings.delete(this.listings.keys().next().value as number);
      }
      id = this.nextId++;
      this.listings.set(id, {
        scope: request.scope,
        walk: open(),
        ahead: undefined,
        nextPage: 0,
        lastUsedAt: now,
      });
    } else {
      const parsed = /^(\d+):(\d+)$/.exec(request.cursor);
      id = Number(parsed?.[1]);
      const listing = this.listings.get(id);
      if (
        listing === undefined ||
        listing.nextPage !== Number(parsed?.[2]) ||
        listing.scope !== request.scope
      ) {
        return runtimeConfigError(
          'invalid_value',
          `unknown or expired ${this.what} listing cursor '${request.cursor}'; start the listing again`,
        );
      }
    }
    return { ok: true, value: this.read(id, limit, read, now) };
  }

  private read<R>(id: number, limit: number, read: (item: T) => R | undefined, now: number): ListingPage<R> {
    const listing = this.listings.get(id) as Listing<T>;
    const items: R[] = [];
    const scan = this.scan(limit);
    for (let looked = 0; items.length < limit && looked < scan; looked++) {
      const next = this.next(listing);
      if (next === undefined) break;
      const item = read(next.value);
      if (item !== undefined) items.push(item);
    }
    this.listings.delete(id);
    listing.ahead = this.next(listing);
    if (listing.ahead === undefined) return { items, cursor: null };
    // Re-inserted: the most recently used listing goes last, for the eviction of the oldest.
    listing.lastUsedAt = now;
    listing.nextPage += 1;
    this.listings.set(id, listing);
    return { items, cursor: `${id}:${listing.nextPage}` };
  }

  private next(listing: Listing<T>): { readonly value: T } | undefined {
    if (listing.ahead !== undefined) {
      const ahead = listing.ahead;
      listing.ahead = undefined;
      return ahead;
    }
    const step = listing.walk.next();
    return step.done === true ? undefined : { value: step.value };
  }
}
