import { binaryKey as keyOf, latin1Equals } from '../core/binary-key';
import { ByteWriter } from '../core/byte-writer';
import { Clock } from '../core/clock';
import { Logger } from '../core/logger';
import { SliceBudget, runAtOnce, runInSlices } from '../core/slices';
import { BlobStore, LoadOutcome, loadBlob } from '../core/storage';
import { AnnouncePayload, PUBLIC_KEY_LENGTH } from './announce';
import { KnownKeyLookup } from './announce-validator';
import { Packet } from './packet';
import { ADDRESS_LENGTH } from './packet-constants';
import { packetHash } from './packet-hash';

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

const PACKET_HASH_AT = PUBLIC_KEY_LENGTH;
const APP_DATA_AT = PUBLIC_KEY_LENGTH + 32;

/**
 * One entry, compact: a 100,000-destination table must fit beside the path table. The key is the
 * 16-byte hash as a 16-character latin1 string (one character per byte); the bytes are one flat
 * latin1 string, where separate Buffers would cost an object, a view and a backing store each.
 * That string is either `public_key (64) | packet_hash (32) | app_data` (`keyAt` 0: an entry from
 * a file or from {@link KnownDestinations.remember}), or the accepted announce packet itself
 * ({@link KnownDestinations.rememberAnnounce}: the string the path table keeps for the same
 * announce, so a destination's bytes are held once), its packet hash derived when written.
 */
class Entry {
  constructor(
    /** Public key, packet hash and app data, or the announce (see the class comment). */
    public data: string,
    /** False when the app data is null (Python's None), as opposed to empty. */
    public hasAppData: boolean,
    public lastHeard: number,
    public lastUsed: number,
    /** Where the public key starts in `data`. */
    public keyAt = 0,
    /** Where the app data starts in `data` (it runs to the end). */
    public appAt = APP_DATA_AT,
  ) {}
}

/** An entry's packet hash: stored, or the hash of its announce. */
function packetHashOf(entry: Entry): Buffer {
  return entry.keyAt === 0
    ? Buffer.from(entry.data.slice(PACKET_HASH_AT, APP_DATA_AT), 'latin1')
    : packetHash(Buffer.from(entry.data, 'latin1'));
}

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

/** Whether the entry holds `publicKey` (no allocation). */
function sameKey(entry: Entry, publicKey: Uint8Array): boolean {
  return publicKey.length === PUBLIC_KEY_LENGTH && latin1Equals(entry.data, entry.keyAt, publicKey);
}

/** An entry as the public {@link KnownDestination} shape (fresh Buffers). */
function materialise(key: string, entry: Entry): KnownDestination {
  const bytes = Buffer.from(entry.data, 'latin1');
  return {
    destinationHash: Buffer.from(key, 'latin1'),
    publicKey: bytes.subarray(entry.keyAt, entry.keyAt + PUBLIC_KEY_LENGTH),
    appData: entry.hasAppData ? bytes.subarray(entry.appAt) : null,
    packetHash: packetHashOf(entry),
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

  /** The public key known for `destinationHash`. */
  publicKeyOf(destinationHash: Uint8Array): Uint8Array | undefined {
    const entry = this.entries.get(keyOf(destinationHash));
    if (entry === undefined) return undefined;
    return Buffer.from(entry.data.slice(entry.keyAt, entry.keyAt + PUBLIC_KEY_LENGTH), 'latin1');
  }

  /** Whether `destinationHash` is known by another key than `publicKey` (the known-key rule; no allocation). */
  keyDiffers(destinationHash: Uint8Array, publicKey: Uint8Array): boolean {
    const entry = this.entries.get(keyOf(destinationHash));
    return entry !== undefined && !sameKey(entry, publicKey);
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
      existing.keyAt = 0;
      existing.appAt = APP_DATA_AT;
      // Re-insert: the Map's order is the eviction order, least recently heard first.
      this.entries.delete(key);
      this.entries.set(key, existing);
      return 'updated';
    }
    this.makeRoom();
    this.entries.set(key, new Entry(entryData(publicKey, packetHash, appData), appData !== null, now, 0));
    return 'added';
  }

  /**
   * Records an accepted announce as {@link remember} does, keeping `raw`, the announce packet as
   * a latin1 string (one character per byte), instead of copies of its fields: a caller that
   * keeps the same string (the path table) holds the destination's bytes once. `key` is the
   * destination hash in the same form (the transport tables' key, shared too).
   */
  rememberAnnounce(
    packet: Packet,
    announce: AnnouncePayload,
    raw: string,
    key: string = keyOf(announce.destinationHash),
  ): 'added' | 'updated' | 'key-changed' {
    const keyAt = packet.dataOffset;
    const appAt = raw.length - (announce.appData?.length ?? 0);
    const hasAppData = announce.appData !== null;
    const now = this.clock.now() / 1000;
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      if (!sameKey(existing, announce.publicKey)) {
        this.counters.keyChangesRefused++;
        return 'key-changed';
      }
      existing.lastHeard = now;
      existing.data = raw;
      existing.hasAppData = hasAppData;
      existing.keyAt = keyAt;
      existing.appAt = appAt;
      this.entries.delete(key);
      this.entries.set(key, existing);
      return 'updated';
    }
    this.makeRoom();
    this.entries.set(key, new Entry(raw, hasAppData, now, 0, keyAt, appAt));
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
   * Adds the entries of a file read by {@link readKnownDestinations}, as {@link load} does, a
   * slice at a time when `budget` is given.
   */
  async loadStored(stored: StoredKnownDestinations, budget?: SliceBudget): Promise<number> {
    const job = this.loadJob(stored);
    return budget === undefined ? runAtOnce(job) : runInSlices(job, budget);
  }

  private *loadJob(stored: StoredKnownDestinations): Generator<void, number> {
    const { keys, entries, order } = stored;
    for (let i = 0; i < order.length; i++) {
      const at = order[i];
      const key = keys[at];
      const e = entries[at];
      this.entries.delete(key);
      this.makeRoom();
      // The entries read from a file are the table's own kind: taken as they are.
      this.entries.set(
        key,
        e instanceof Entry ? e : new Entry(e.data, e.hasAppData, e.lastHeard, e.lastUsed),
      );
      yield;
    }
    return order.length;
  }

  /**
   * The table in Python's file format ({@link encodeKnownDestinations}), encoded in the slices
   * of `budget` (a pause between two), so a large table never holds up the event loop for long.
   * The entries are those held when it was called.
   */
  async encodeInSlices(budget?: SliceBudget): Promise<Buffer[]> {
    // Two spreads (native fast paths), not one walk over [key, value] pairs: 100k entries in a
    // millisecond or two rather than tens.
    const keys = [...this.entries.keys()];
    const entries = [...this.entries.values()];
    const writer = new ByteWriter();
    writeMapHeader(writer, keys.length);
    for (let i = 0; i < keys.length; i++) {
      const entry = entries[i];
      writeEntry(writer, keys[i], entry);
      if (budget?.step() === true && i + 1 < keys.length) await budget.pause();
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
function writeEntry(w: ByteWriter, key: string, entry: Entry): void {
  const data = entry.data;
  writeBinHeader(w, ADDRESS_LENGTH);
  w.latin1(key);
  w.u8(0x95);
  writeNumber(w, entry.lastHeard);
  writeBinHeader(w, 32);
  if (entry.keyAt === 0) w.latin1(data, PACKET_HASH_AT, APP_DATA_AT);
  else w.latin1(packetHashOf(entry).toString('latin1'));
  writeBinHeader(w, PUBLIC_KEY_LENGTH);
  w.latin1(data, entry.keyAt, entry.keyAt + PUBLIC_KEY_LENGTH);
  if (entry.hasAppData) {
    writeBinHeader(w, data.length - entry.appAt);
    w.latin1(data, entry.appAt);
  } else w.u8(0xc0);
  writeNumber(w, entry.lastUsed);
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
      new Entry(entryData(e.publicKey, e.packetHash, e.appData), e.appData !== null, e.lastHeard, e.lastUsed),
    );
  }
  return Buffer.concat(writer.finish());
}

/**
 * A known-destinations file as read by {@link readKnownDestinations}: entries in the table's
 * compact form, in file order, and the order to load them in (least recently heard first).
 */
export interface StoredKnownDestinations {
  /** Destination hashes as 16-character latin1 strings. */
  readonly keys: readonly string[];
  readonly entries: ReadonlyArray<{
    /** `public_key (64) | packet_hash (32) | app_data` as one latin1 string. */
    readonly data: string;
    readonly hasAppData: boolean;
    readonly lastHeard: number;
    readonly lastUsed: number;
  }>;
  /** Indexes into `keys` and `entries`, least recently heard first. */
  readonly order: readonly number[];
}

/**
 * Reads Python's known-destinations file (or ours) in the table's compact form, a slice of
 * entries at a time when `budget` is given (see {@link decodeKnownDestinations} for the rules).
 *
 * MessagePack is read by hand for this one shape, straight from the file's bytes into one latin1
 * string per entry: no Buffer and no decoded object per field.
 *
 * @throws Error when the bytes are not such a map at all (a corrupt file)
 */
export async function readKnownDestinations(
  bytes: Uint8Array,
  budget?: SliceBudget,
): Promise<StoredKnownDestinations> {
  const job = readJob(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  return budget === undefined ? runAtOnce(job) : runInSlices(job, budget);
}

/**
 * Reads Python's known-destinations file (or ours). Entries whose hash or key has the wrong
 * length, or whose fields are of the wrong type, are skipped (Python skips a wrong-length hash
 * too); four-element entries from older versions get `last_used` 0, as Python pads them. Sorted
 * least recently heard first.
 *
 * @throws Error when the bytes are not such a map at all (a corrupt file)
 */
export function decodeKnownDestinations(bytes: Uint8Array): KnownDestination[] {
  const stored = runAtOnce(readJob(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)));
  return stored.order.map((at) => materialise(stored.keys[at], stored.entries[at] as Entry));
}

/** A field's place in the file: its offset, or -1 when absent or of the wrong type. */
const NONE = -1;

function* readJob(data: Buffer): Generator<void, StoredKnownDestinations> {
  const cursor = new MsgpackCursor(data);
  const count = cursor.mapHeader();
  const keys: string[] = [];
  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (cursor.at >= data.length) throw new Error(`known destinations: map of ${count} entries holds ${n}`);
    const keyAt = cursor.bin(ADDRESS_LENGTH);
    const entry = readValue(cursor);
    if (keyAt !== NONE && entry !== null) {
      keys.push(data.toString('latin1', keyAt, keyAt + ADDRESS_LENGTH));
      entries.push(entry);
    }
    yield;
  }
  if (cursor.at !== data.length) throw new Error('known destinations: data after the map');
  const order = entries.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++)
    sorted = entries[i - 1].lastHeard <= entries[i].lastHeard;
  // Our files are written least recently heard first; Python's are in first-heard order.
  if (!sorted) order.sort((a, b) => entries[a].lastHeard - entries[b].lastHeard);
  return { keys, entries, order };
}

/** `[time, packet_hash, public_key, app_data, last_used]` as an entry, or null when Python would not use it. */
function readValue(cursor: MsgpackCursor): Entry | null {
  const length = cursor.arrayHeader();
  if (length < 4) {
    cursor.skip(length < 0 ? 1 : length);
    return null;
  }
  const time = cursor.number();
  const hashAt = cursor.binAny();
  const hashLength = cursor.lastLength;
  const keyAt = cursor.bin(PUBLIC_KEY_LENGTH);
  let appAt = NONE;
  let appLength = 0;
  let appValid = true;
  if (!cursor.nil()) {
    appAt = cursor.binAny();
    appLength = cursor.lastLength;
    appValid = appAt !== NONE;
  }
  const lastUsed = length >= 5 ? cursor.number() : 0;
  if (length > 5) cursor.skip(length - 5);
  if (!Number.isFinite(time) || hashAt === NONE || keyAt === NONE || !appValid) return null;
  const data = cursor.data;
  const size = APP_DATA_AT + appLength;
  if (size > scratch.length) scratch = Buffer.allocUnsafe(size);
  data.copy(scratch, 0, keyAt, keyAt + PUBLIC_KEY_LENGTH);
  // Python always writes a full 32-byte hash; one of another length is not worth losing the key over.
  if (hashLength === 32) data.copy(scratch, PACKET_HASH_AT, hashAt, hashAt + 32);
  else scratch.fill(0, PACKET_HASH_AT, APP_DATA_AT);
  if (appAt !== NONE) data.copy(scratch, APP_DATA_AT, appAt, appAt + appLength);
  return new Entry(
    scratch.toString('latin1', 0, size),
    appAt !== NONE,
    time,
    Number.isFinite(lastUsed) ? lastUsed : 0,
  );
}

/** Reads MessagePack values in place; a value cut short or an unknown type byte throws. */
class MsgpackCursor {
  at = 0;
  /** Length of the last bin read by {@link binAny}. */
  lastLength = 0;

  constructor(readonly data: Buffer) {}

  mapHeader(): number {
    const first = this.data[0];
    if (first >= 0x80 && first <= 0x8f) return this.advance(1, first & 0x0f);
    if (first === 0xde) return this.advance(3, this.uint(1, 2));
    if (first === 0xdf) return this.advance(5, this.uint(1, 4));
    throw new Error('known destinations: not a map');
  }

  /** An array's length, or -1 (nothing consumed) when the next value is not an array. */
  arrayHeader(): number {
    const first = this.byte(0);
    if (first >= 0x90 && first <= 0x9f) return this.advance(1, first & 0x0f);
    if (first === 0xdc) return this.advance(3, this.uint(1, 2));
    if (first === 0xdd) return this.advance(5, this.uint(1, 4));
    return -1;
  }

  /** Consumes nil if it is next. */
  nil(): boolean {
    if (this.byte(0) !== 0xc0) return false;
    this.at++;
    return true;
  }

  /** A bin of exactly `length` bytes: its offset, or {@link NONE} (the value skipped). */
  bin(length: number): number {
    const at = this.binAny();
    return at !== NONE && this.lastLength === length ? at : NONE;
  }

  /** A bin: its offset with its length in {@link lastLength}, or {@link NONE} (the value skipped). */
  binAny(): number {
    const first = this.byte(0);
    const size = first === 0xc4 ? 1 : first === 0xc5 ? 2 : first === 0xc6 ? 4 : 0;
    if (size === 0) {
      this.skip(1);
      return NONE;
    }
    const length = this.uint(1, size);
    const at = this.at + 1 + size;
    this.need(at + length);
    this.at = at + length;
    this.lastLength = length;
    return at;
  }

  /** A number (int or float), or NaN (the value skipped) when the next value is not one. */
  number(): number {
    const data = this.data;
    const first = this.byte(0);
    if (first < 0x80) return this.advance(1, first);
    if (first >= 0xe0) return this.advance(1, first - 0x100);
    this.need(this.at + 1 + (FIXED_SIZES[first] ?? 0));
    const at = this.at + 1;
    switch (first) {
      case 0xca:
        return this.advance(5, data.readFloatBE(at));
      case 0xcb:
        return this.advance(9, data.readDoubleBE(at));
      case 0xcc:
        return this.advance(2, data[at]);
      case 0xcd:
        return this.advance(3, data.readUInt16BE(at));
      case 0xce:
        return this.advance(5, data.readUInt32BE(at));
      case 0xcf:
        return this.advance(9, data.readUInt32BE(at) * 2 ** 32 + data.readUInt32BE(at + 4));
      case 0xd0:
        return this.advance(2, data.readInt8(at));
      case 0xd1:
        return this.advance(3, data.readInt16BE(at));
      case 0xd2:
        return this.advance(5, data.readInt32BE(at));
      case 0xd3:
        return this.advance(9, data.readInt32BE(at) * 2 ** 32 + data.readUInt32BE(at + 4));
      default:
        this.skip(1);
        return NaN;
    }
  }

  /** Skips `count` whole values (nested arrays and maps without recursion). */
  skip(count: number): void {
    let pending = count;
    while (pending > 0) {
      pending--;
      const first = this.byte(0);
      if (first < 0x80 || first >= 0xe0 || first === 0xc0 || first === 0xc2 || first === 0xc3) this.at++;
      else if (first <= 0x8f) pending += this.advance(1, 2 * (first & 0x0f));
      else if (first <= 0x9f) pending += this.advance(1, first & 0x0f);
      else if (first <= 0xbf) this.jump(1, first & 0x1f);
      else if (first === 0xdc || first === 0xdd) pending += this.arrayHeader();
      else if (first === 0xde || first === 0xdf) {
        const size = first === 0xde ? 2 : 4;
        pending += this.advance(1 + size, 2 * this.uint(1, size));
      } else {
        const sized = VARIABLE_SIZES[first];
        const fixed = FIXED_SIZES[first];
        if (sized !== undefined)
          this.jump(1 + sized + (first >= 0xc7 && first <= 0xc9 ? 1 : 0), this.uint(1, sized));
        else if (fixed !== undefined) this.jump(1, fixed);
        else throw new Error(`known destinations: not MessagePack (type 0x${first.toString(16)})`);
      }
    }
  }

  private byte(offset: number): number {
    this.need(this.at + offset + 1);
    return this.data[this.at + offset];
  }

  /** A big-endian unsigned integer of `size` bytes at `offset` from the cursor. */
  private uint(offset: number, size: number): number {
    const at = this.at + offset;
    this.need(at + size);
    return size === 1 ? this.data[at] : size === 2 ? this.data.readUInt16BE(at) : this.data.readUInt32BE(at);
  }

  private advance<T>(bytes: number, value: T): T {
    this.at += bytes;
    return value;
  }

  private jump(header: number, length: number): void {
    this.need(this.at + header + length);
    this.at += header + length;
  }

  private need(end: number): void {
    if (end > this.data.length) throw new Error('known destinations: the file ends early');
  }
}

/** Payload bytes after the type byte, for fixed-size types (ext included: type byte + data). */
const FIXED_SIZES: Readonly<Record<number, number>> = {
  0xca: 4,
  0xcb: 8,
  0xcc: 1,
  0xcd: 2,
  0xce: 4,
  0xcf: 8,
  0xd0: 1,
  0xd1: 2,
  0xd2: 4,
  0xd3: 8,
  0xd4: 2,
  0xd5: 3,
  0xd6: 5,
  0xd7: 9,
  0xd8: 17,
};

/** Length-field bytes of bin, str and ext types (ext has its type byte after the length). */
const VARIABLE_SIZES: Readonly<Record<number, number>> = {
  0xc4: 1,
  0xc5: 2,
  0xc6: 4,
  0xc7: 1,
  0xc8: 2,
  0xc9: 4,
  0xd9: 1,
  0xda: 2,
  0xdb: 4,
};

/** Name of the known-destinations blob in the storage folder, as Python names the file. */
export const KNOWN_DESTINATIONS_NAME = 'known_destinations';

/**
 * Loads the stored known destinations into `table` (see {@link loadBlob}: an unreadable file is
 * logged, set aside and reported, never thrown), reading and loading in the slices of `budget`
 * when it is given. The table changes only once the whole file has been read.
 *
 * @returns what was found; for `loaded`, the number of entries added
 */
export async function loadKnownDestinations(
  store: BlobStore,
  table: KnownDestinations,
  logger: Logger,
  budget?: SliceBudget,
): Promise<LoadOutcome<number>> {
  const outcome = await loadBlob(
    store,
    KNOWN_DESTINATIONS_NAME,
    (b) => readKnownDestinations(b, budget),
    logger,
  );
  return outcome.status === 'loaded'
    ? { status: 'loaded', value: await table.loadStored(outcome.value, budget) }
    : outcome;
}

/**
 * Writes `table` to the store atomically, in Python's file format, encoded in the slices of
 * `budget` when it is given ({@link KnownDestinations.encodeInSlices}).
 */
export async function saveKnownDestinations(
  store: BlobStore,
  table: KnownDestinations,
  budget?: SliceBudget,
): Promise<void> {
  await store.write(KNOWN_DESTINATIONS_NAME, await table.encodeInSlices(budget));
}
