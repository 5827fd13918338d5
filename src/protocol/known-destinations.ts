import { decodeMulti } from '@msgpack/msgpack';
import { ByteWriter } from '../core/byte-writer';
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

/** How many entries are encoded between two pauses of {@link KnownDestinations.encodeInSlices}. */
export const KNOWN_DESTINATIONS_SLICE = 1024;

/**
 * One entry, compact: a 100,000-destination table must fit beside the path table. The key is the
 * 16-byte hash as a 16-character latin1 string (one character per byte); the bytes are one flat
 * latin1 string `public_key (64) | packet_hash (32) | app_data`, where separate Buffers would cost
 * an object, a view and a backing store each.
 */
class Entry {
  constructor(
    /** Public key, packet hash and app data (see the class comment). */
    public data: string,
    /** False when the app data is null (Python's None), as opposed to empty. */
    public hasAppData: boolean,
    public lastHeard: number,
    public lastUsed: number,
  ) {}
}

const PACKET_HASH_AT = PUBLIC_KEY_LENGTH;
const APP_DATA_AT = PUBLIC_KEY_LENGTH + 32;

/** Scratch for building entry strings in one piece (a `+` of parts would keep a rope of them). */
let scratch = Buffer.allocUnsafe(1024);

/** The flat latin1 string of `public_key | packet_hash | app_data`. */
function entryData(publicKey: Uint8Array, packetHash: Uint8Array, appData: Uint8Array | null): string {
  const length = APP_DATA_AT + (appData?.length ?? 0);
  if (packetHash.length !== 32) throw new RangeError('packet hash must be 32 bytes');
  if (length > scratch.length) scratch = Buffer.allocUnsafe(length);
  scratch.set(publicKey, 0);
  scratch.set(packetHash, PACKET_HASH_AT);
  if (appData !== null) scratch.set(appData, APP_DATA_AT);
  return scratch.toString('latin1', 0, length);
}

/** The 16-byte hash as a table key (a 16-character latin1 string). */
function keyOf(destinationHash: Uint8Array): string {
  return Buffer.from(destinationHash.buffer, destinationHash.byteOffset, destinationHash.length).toString(
    'latin1',
  );
}

/** Whether the entry holds `publicKey` (no allocation). */
function sameKey(entry: Entry, publicKey: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  const data = entry.data;
  for (let i = 0; i < PUBLIC_KEY_LENGTH; i++) if (data.charCodeAt(i) !== publicKey[i]) return false;
  return true;
}

/** An entry as the public {@link KnownDestination} shape (fresh Buffers). */
function materialise(key: string, entry: Entry): KnownDestination {
  const bytes = Buffer.from(entry.data, 'latin1');
  return {
    destinationHash: Buffer.from(key, 'latin1'),
    publicKey: bytes.subarray(0, PUBLIC_KEY_LENGTH),
    appData: entry.hasAppData ? bytes.subarray(APP_DATA_AT) : null,
    packetHash: bytes.subarray(PACKET_HASH_AT, APP_DATA_AT),
    lastHeard: entry.lastHeard,
    lastUsed: entry.lastUsed,
  };
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
 * Compact (about 250 bytes an entry with 16 bytes of app data; see {@link Entry}): entries are
 * returned as {@link KnownDestination} copies, made when asked for.
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

  /** The entry for `destinationHash`, if known (a copy). */
  get(destinationHash: Uint8Array): KnownDestination | undefined {
    const key = keyOf(destinationHash);
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : materialise(key, entry);
  }

  /** The public key known for `destinationHash` (the announce validator's known-key lookup). */
  publicKeyOf(destinationHash: Uint8Array): Uint8Array | undefined {
    const entry = this.entries.get(keyOf(destinationHash));
    return entry === undefined ? undefined : Buffer.from(entry.data.slice(0, PUBLIC_KEY_LENGTH), 'latin1');
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
      if (!sameKey(existing, publicKey)) {
        this.counters.keyChangesRefused++;
        return 'key-changed';
      }
      existing.lastHeard = now;
      existing.data = entryData(publicKey, packetHash, appData);
      existing.hasAppData = appData !== null;
      // Re-insert: the Map's order is the eviction order, least recently heard first.
      this.entries.delete(key);
      this.entries.set(key, existing);
      return 'updated';
    }
    this.makeRoom();
    this.entries.set(key, new Entry(entryData(publicKey, packetHash, appData), appData !== null, now, 0));
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
   *   are kept); it gets the destination hash as a 16-character latin1 string, the transport
   *   tables' key form, so a cull of a large table allocates nothing per entry
   */
  cull(hasPath: (destinationKey: string) => boolean): number {
    const now = this.clock.now() / 1000;
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed === RETAINED || hasPath(key)) continue;
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

  /** Every entry, least recently heard first (copies). */
  *values(): IterableIterator<KnownDestination> {
    for (const [key, entry] of this.entries) yield materialise(key, entry);
  }

  /**
   * Adds entries (from a file), keeping the cap; an entry already present is replaced. Entries
   * come in least-recently-heard order when `entries` is sorted by `lastHeard`, as
   * {@link decodeKnownDestinations} returns them.
   */
  load(entries: Iterable<KnownDestination>): number {
    let loaded = 0;
    for (const e of entries) {
      const key = keyOf(e.destinationHash);
      this.entries.delete(key);
      this.makeRoom();
      const data = entryData(e.publicKey, e.packetHash, e.appData);
      this.entries.set(key, new Entry(data, e.appData !== null, e.lastHeard, e.lastUsed));
      loaded++;
    }
    return loaded;
  }

  /**
   * The table in Python's file format ({@link encodeKnownDestinations}), encoded a slice of
   * `slice` entries at a time with `pause()` awaited in between, so a large table never holds up
   * the event loop for long. The entries are those held when it was called.
   */
  async encodeInSlices(pause: () => Promise<void>, slice = KNOWN_DESTINATIONS_SLICE): Promise<Buffer[]> {
    // Two spreads (native fast paths), not one walk over [key, value] pairs: 100k entries in a
    // millisecond or two rather than tens.
    const keys = [...this.entries.keys()];
    const entries = [...this.entries.values()];
    const writer = new ByteWriter();
    writeMapHeader(writer, keys.length);
    for (let at = 0; at < keys.length; at += slice) {
      if (at > 0) await pause();
      const end = Math.min(keys.length, at + slice);
      for (let i = at; i < end; i++) {
        const entry = entries[i];
        writeEntry(writer, keys[i], entry.data, entry.hasAppData, entry.lastHeard, entry.lastUsed);
      }
    }
    return writer.finish();
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

// MessagePack, written by hand for this one shape: Python's umsgpack reads it, and a table of
// 100k entries encodes in tens of milliseconds rather than the hundreds a generic encoder takes.

function writeMapHeader(w: ByteWriter, count: number): void {
  if (count < 16) w.u8(0x80 | count);
  else if (count < 0x10000) {
    w.u8(0xde);
    w.u16(count);
  } else {
    w.u8(0xdf);
    w.u32(count);
  }
}

function writeBinHeader(w: ByteWriter, length: number): void {
  if (length < 0x100) {
    w.u8(0xc4);
    w.u8(length);
  } else if (length < 0x10000) {
    w.u8(0xc5);
    w.u16(length);
  } else {
    w.u8(0xc6);
    w.u32(length);
  }
}

/** A number as MessagePack does: a safe integer as the shortest int, anything else as float64. */
function writeNumber(w: ByteWriter, value: number): void {
  if (!Number.isSafeInteger(value)) {
    w.u8(0xcb);
    w.f64(value);
  } else if (value >= 0 && value < 0x80) w.u8(value);
  else if (value < 0 && value >= -32) w.u8(0x100 + value);
  else if (value >= 0 && value <= 0xffffffff) {
    w.u8(0xce);
    w.u32(value);
  } else if (value < 0 && value >= -0x80000000) {
    w.u8(0xd2);
    w.u32(value >>> 0);
  } else {
    // Beyond 32 bits (times in ms would be; seconds are not): float64 holds every safe integer.
    w.u8(0xcb);
    w.f64(value);
  }
}

/** One `key: [time, packet_hash, public_key, app_data, last_used]` pair. */
function writeEntry(
  w: ByteWriter,
  key: string,
  data: string,
  hasAppData: boolean,
  lastHeard: number,
  lastUsed: number,
): void {
  writeBinHeader(w, ADDRESS_LENGTH);
  w.latin1(key);
  w.u8(0x95);
  writeNumber(w, lastHeard);
  writeBinHeader(w, 32);
  w.latin1(data, PACKET_HASH_AT, APP_DATA_AT);
  writeBinHeader(w, PUBLIC_KEY_LENGTH);
  w.latin1(data, 0, PUBLIC_KEY_LENGTH);
  if (hasAppData) {
    writeBinHeader(w, data.length - APP_DATA_AT);
    w.latin1(data, APP_DATA_AT);
  } else w.u8(0xc0);
  writeNumber(w, lastUsed);
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
 */
export function encodeKnownDestinations(entries: Iterable<KnownDestination>): Uint8Array {
  const list = [...entries];
  const writer = new ByteWriter();
  writeMapHeader(writer, list.length);
  for (const e of list) {
    if (e.packetHash.length !== 32) throw new RangeError('packet hash must be 32 bytes');
    writeEntry(
      writer,
      keyOf(e.destinationHash),
      entryData(e.publicKey, e.packetHash, e.appData),
      e.appData !== null,
      e.lastHeard,
      e.lastUsed,
    );
  }
  return Buffer.concat(writer.finish());
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
    // Python always writes a full 32-byte hash; one of another length is not worth losing the key over.
    packetHash: packetHash.length === 32 ? Buffer.from(packetHash) : Buffer.alloc(32),
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

/**
 * Writes `table` to the store atomically, in Python's file format. With `pause`, the encoding
 * yields between slices of `slice` entries ({@link KnownDestinations.encodeInSlices}).
 */
export async function saveKnownDestinations(
  store: BlobStore,
  table: KnownDestinations,
  pause: () => Promise<void> = () => Promise.resolve(),
  slice = KNOWN_DESTINATIONS_SLICE,
): Promise<void> {
  await store.write(KNOWN_DESTINATIONS_NAME, await table.encodeInSlices(pause, slice));
}
