import { Encoder, decodeMulti } from '@msgpack/msgpack';
import { Clock } from '../core/clock';
import { Logger } from '../core/logger';
import { BlobStore, LoadOutcome, loadBlob } from '../core/storage';
import { PUBLIC_KEY_LENGTH } from './announce';
import { KnownKeyLookup } from './announce-validator';
import { ADDRESS_LENGTH } from './packet-constants';

/**
 * What is kept about a destination whose announce was accepted: Python's
 * `Identity.known_destinations` entry `[time, packet_hash, public_key, app_data, last_used]`.
 */
export interface KnownDestination {
  /** The 16-byte destination hash. */
  readonly destinationHash: Buffer;
  /** Its 64-byte public key (X25519 then Ed25519). */
  readonly publicKey: Buffer;
  /** The app data of the last accepted announce, or null. */
  readonly appData: Buffer | null;
  /** The packet hash of the last accepted announce. */
  readonly packetHash: Buffer;
  /** When the last announce was accepted, seconds since the epoch. */
  readonly lastHeard: number;
  /**
   * When the destination was last used, seconds since the epoch; 0 when never used,
   * {@link RETAINED} when it is kept regardless of use.
   */
  readonly lastUsed: number;
}

/** `lastUsed` of an entry kept regardless of use (Python's -1). */
export const RETAINED = -1;

/** A pathless, never used destination is forgotten this long after its last announce (`UNUSED_DESTINATION_LINGER`). */
export const UNUSED_DESTINATION_LINGER_S = 6 * 60;

/** A pathless destination unused this long is forgotten (`DESTINATION_TIMEOUT` x 1.25: 1.25 weeks). */
export const UNUSED_DESTINATION_TIMEOUT_S = 60 * 60 * 24 * 7 * 1.25;

/** Default cap on known destinations. */
export const DEFAULT_MAX_KNOWN_DESTINATIONS = 131_072;

/** Counters of a {@link KnownDestinations} table, bumped in place. */
export interface KnownDestinationsCounters {
  /** Announces that tried to change a known destination's key (refused). */
  keyChangesRefused: number;
  /** Entries dropped to stay under the cap. */
  evicted: number;
  /** Entries removed by {@link KnownDestinations.cull}. */
  culled: number;
}

/** Options of a {@link KnownDestinations} table. */
export interface KnownDestinationsOptions {
  /** Time source (only `now()` is read). */
  readonly clock: Pick<Clock, 'now'>;
  /** Most entries kept; default {@link DEFAULT_MAX_KNOWN_DESTINATIONS}. */
  readonly maxEntries?: number;
}

interface Entry {
  destinationHash: Buffer;
  publicKey: Buffer;
  appData: Buffer | null;
  packetHash: Buffer;
  lastHeard: number;
  lastUsed: number;
}

/**
 * The known destinations: each destination's public key, learnt from accepted announces, and
 * what Python keeps with it. It backs the known-key rule (a known destination whose key changes is
 * refused) and, persisted, carries over restarts.
 *
 * Bounded: past `maxEntries` the entry heard least recently (retained ones excepted) is dropped.
 * {@link cull} applies Python's rules (`Identity.clean_known_destinations`) as they are meant: a
 * pathless entry never used is dropped 6 minutes after its last announce, a pathless one unused for
 * 1.25 weeks too. (Python 1.4.2's `elif` drops pathless never-used entries at once, because their
 * "unused for" counts from time zero; this table gives them the intended linger.)
 *
 * Persisted in Python's own format, `umsgpack` of `{destination: [time, packet_hash, public_key,
 * app_data, last_used]}` ({@link encodeKnownDestinations}), so an rnsd's `storage/known_destinations`
 * loads here and ours loads in Python.
 */
export class KnownDestinations implements KnownKeyLookup {
  /** Table counters. */
  readonly counters: KnownDestinationsCounters = { keyChangesRefused: 0, evicted: 0, culled: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly maxEntries: number;

  constructor(options: KnownDestinationsOptions) {
    this.clock = options.clock;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_KNOWN_DESTINATIONS);
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry for `destinationHash`, if known. */
  get(destinationHash: Uint8Array): KnownDestination | undefined {
    return this.entries.get(keyOf(destinationHash));
  }

  /** The public key known for `destinationHash` (the announce validator's known-key lookup). */
  publicKeyOf(destinationHash: Uint8Array): Uint8Array | undefined {
    return this.entries.get(keyOf(destinationHash))?.publicKey;
  }

  /**
   * Records an accepted announce (`Identity.remember`): adds the destination, or refreshes its
   * time, packet hash and app data. A different key for a known destination is refused, counted
   * and reported as `key-changed`.
   */
  remember(
    destinationHash: Uint8Array,
    publicKey: Uint8Array,
    appData: Uint8Array | null,
    packetHash: Uint8Array,
  ): 'added' | 'updated' | 'key-changed' {
    if (destinationHash.length !== ADDRESS_LENGTH) throw new RangeError('destination hash must be 16 bytes');
    if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new RangeError('public key must be 64 bytes');
    const key = keyOf(destinationHash);
    const now = this.clock.now() / 1000;
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      if (!existing.publicKey.equals(publicKey)) {
        this.counters.keyChangesRefused++;
        return 'key-changed';
      }
      existing.lastHeard = now;
      existing.packetHash = Buffer.from(packetHash);
      existing.appData = appData === null ? null : Buffer.from(appData);
      // Re-insert: the Map's order is the eviction order, least recently heard first.
      this.entries.delete(key);
      this.entries.set(key, existing);
      return 'updated';
    }
    this.makeRoom();
    this.entries.set(key, {
      destinationHash: Buffer.from(destinationHash),
      publicKey: Buffer.from(publicKey),
      appData: appData === null ? null : Buffer.from(appData),
      packetHash: Buffer.from(packetHash),
      lastHeard: now,
      lastUsed: 0,
    });
    return 'added';
  }

  /** Marks the destination used now (`_used_destination_data`); a retained entry stays retained. */
  markUsed(destinationHash: Uint8Array): boolean {
    const entry = this.entries.get(keyOf(destinationHash));
    if (entry === undefined || entry.lastUsed < 0) return false;
    entry.lastUsed = this.clock.now() / 1000;
    return true;
  }

  /** Keeps the destination regardless of use (`_retain_destination_data`), or stops keeping it. */
  retain(destinationHash: Uint8Array, retained = true): boolean {
    const entry = this.entries.get(keyOf(destinationHash));
    if (entry === undefined) return false;
    entry.lastUsed = retained ? RETAINED : this.clock.now() / 1000;
    return true;
  }

  /** Forgets a destination. */
  delete(destinationHash: Uint8Array): boolean {
    return this.entries.delete(keyOf(destinationHash));
  }

  /**
   * Drops stale pathless entries (see the class comment) and returns how many went.
   *
   * @param hasPath whether the transport layer has a path to the destination (entries with a path
   *   are kept)
   */
  cull(hasPath: (destinationHash: Buffer) => boolean): number {
    const now = this.clock.now() / 1000;
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed === RETAINED || hasPath(entry.destinationHash)) continue;
      const stale =
        entry.lastUsed === 0
          ? now - entry.lastHeard > UNUSED_DESTINATION_LINGER_S
          : now - entry.lastUsed > UNUSED_DESTINATION_TIMEOUT_S;
      if (stale) {
        this.entries.delete(key);
        removed++;
      }
    }
    this.counters.culled += removed;
    return removed;
  }

  /** Every entry, least recently heard first. */
  values(): IterableIterator<KnownDestination> {
    return this.entries.values();
  }

  /**
   * Adds entries (from a file), keeping the cap; an entry already present is replaced. Entries
   * come in least-recently-heard order when `entries` is sorted by `lastHeard`, as
   * {@link decodeKnownDestinations} returns them.
   */
  load(entries: Iterable<KnownDestination>): number {
    let loaded = 0;
    for (const entry of entries) {
      const key = keyOf(entry.destinationHash);
      this.entries.delete(key);
      this.makeRoom();
      this.entries.set(key, { ...entry });
      loaded++;
    }
    return loaded;
  }

  private makeRoom(): void {
    const entries = this.entries;
    // Retained entries met at the front move to the back, so each is stepped over once per cycle.
    let guard = entries.size;
    while (entries.size >= this.maxEntries && guard-- > 0) {
      const first = entries.entries().next();
      if (first.done === true) return;
      const [key, entry] = first.value;
      entries.delete(key);
      if (entry.lastUsed === RETAINED) entries.set(key, entry);
      else this.counters.evicted++;
    }
    // Only retained entries left: the cap still holds.
    while (entries.size >= this.maxEntries) {
      const first = entries.keys().next();
      if (first.done === true) return;
      entries.delete(first.value);
      this.counters.evicted++;
    }
  }
}

function keyOf(destinationHash: Uint8Array): string {
  return Buffer.from(destinationHash.buffer, destinationHash.byteOffset, destinationHash.length).toString(
    'hex',
  );
}

/** MessagePack map headers: msgpack is a concatenation, so the map is written as header + pairs. */
function mapHeader(count: number): Uint8Array {
  if (count < 16) return Uint8Array.of(0x80 | count);
  if (count < 0x10000) return Uint8Array.of(0xde, count >>> 8, count & 0xff);
  return Uint8Array.of(0xdf, count >>> 24, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff);
}

/** The entry count of the map header at the start of `bytes` and the header's length. */
function readMapHeader(bytes: Uint8Array): { count: number; length: number } {
  const first = bytes[0];
  if (first >= 0x80 && first <= 0x8f) return { count: first & 0x0f, length: 1 };
  if (first === 0xde && bytes.length >= 3) return { count: (bytes[1] << 8) | bytes[2], length: 3 };
  if (first === 0xdf && bytes.length >= 5) {
    return { count: ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0, length: 5 };
  }
  throw new Error('known destinations: not a map');
}

/**
 * The table in Python's file format: a MessagePack map from destination hash (bin) to
 * `[time (float), packet_hash (bin), public_key (bin), app_data (bin or nil), last_used]`.
 * Keys and values are encoded one by one with one reused encoder (the library's map encoder
 * takes string keys only); 100k entries take a few hundred milliseconds.
 */
export function encodeKnownDestinations(entries: Iterable<KnownDestination>): Uint8Array {
  const encoder = new Encoder({ forceFloat32: false });
  const parts: Uint8Array[] = [];
  let count = 0;
  for (const e of entries) {
    parts.push(encoder.encode(e.destinationHash));
    parts.push(encoder.encode([e.lastHeard, e.packetHash, e.publicKey, e.appData, e.lastUsed]));
    count++;
  }
  return Buffer.concat([mapHeader(count), ...parts]);
}

/**
 * Reads Python's known-destinations file (or ours). Entries whose hash or key has the wrong
 * length are skipped (Python skips a wrong-length hash too); four-element entries from older
 * versions get `last_used` 0, as Python pads them. Sorted least recently heard first.
 *
 * The map is read pair by pair (its header by hand, then the keys and values as a sequence), so
 * no object keyed by 100k destination strings is built on the way.
 *
 * @throws Error when the bytes are not such a map at all (a corrupt file)
 */
export function decodeKnownDestinations(bytes: Uint8Array): KnownDestination[] {
  const { count, length } = readMapHeader(bytes);
  const out: KnownDestination[] = [];
  let key: unknown = undefined;
  let items = 0;
  for (const item of decodeMulti(bytes.subarray(length))) {
    items++;
    if (items > 2 * count) throw new Error('known destinations: data after the map');
    if (items % 2 === 1) {
      key = item;
      continue;
    }
    const entry = entryOf(key, item);
    if (entry !== null) out.push(entry);
  }
  if (items !== 2 * count) throw new Error(`known destinations: map of ${count} entries holds ${items / 2}`);
  return out.sort((a, b) => a.lastHeard - b.lastHeard);
}

/** One decoded `[key, value]` pair as an entry, or null when Python would not use it either. */
function entryOf(key: unknown, value: unknown): KnownDestination | null {
  if (!(key instanceof Uint8Array) || key.length !== ADDRESS_LENGTH) return null;
  if (!Array.isArray(value) || value.length < 4) return null;
  const [time, packetHash, publicKey, appData, lastUsed] = value as unknown[];
  if (typeof time !== 'number' || !Number.isFinite(time)) return null;
  if (!(packetHash instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return null;
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return null;
  if (appData !== null && appData !== undefined && !(appData instanceof Uint8Array)) return null;
  return {
    destinationHash: Buffer.from(key),
    publicKey: Buffer.from(publicKey),
    appData: appData instanceof Uint8Array ? Buffer.from(appData) : null,
    packetHash: Buffer.from(packetHash),
    lastHeard: time,
    lastUsed: typeof lastUsed === 'number' && Number.isFinite(lastUsed) ? lastUsed : 0,
  };
}

/** Name of the known-destinations blob in the storage folder, as Python names the file. */
export const KNOWN_DESTINATIONS_NAME = 'known_destinations';

/**
 * Loads the stored known destinations into `table` (see {@link loadBlob}: an unreadable file is
 * logged, set aside and reported, never thrown).
 *
 * @returns what was found; for `loaded`, the number of entries added
 */
export async function loadKnownDestinations(
  store: BlobStore,
  table: KnownDestinations,
  logger: Logger,
): Promise<LoadOutcome<number>> {
  const outcome = await loadBlob(store, KNOWN_DESTINATIONS_NAME, decodeKnownDestinations, logger);
  return outcome.status === 'loaded' ? { status: 'loaded', value: table.load(outcome.value) } : outcome;
}

/** Writes `table` to the store atomically, in Python's file format. */
export function saveKnownDestinations(store: BlobStore, table: KnownDestinations): Promise<void> {
  return store.write(KNOWN_DESTINATIONS_NAME, encodeKnownDestinations(table.values()));
}
