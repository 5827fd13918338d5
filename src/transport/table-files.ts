import { SliceBudget, runAtOnce, runInSlices } from '../core/slices';
import { ByteReader, TableFileWriter, openTableFile, openTableFileJob } from '../core/table-file';
import { ANNOUNCE_MIN_LENGTH, RANDOM_HASH_LENGTH } from '../protocol/announce';
import {
  ADDRESS_LENGTH,
  FULL_HASH_LENGTH,
  HEADER_1_CONTEXT_OFFSET,
  HEADER_2_DESTINATION_OFFSET,
  HEADER_2_FLAG,
  ADDRESS_OFFSET,
} from '../protocol/packet-constants';
import { BinaryKey } from '../core/binary-key';
import { PERSIST_RANDOM_BLOBS } from './constants';
import { RandomBlobs } from './random-blobs';

/**
 * The transport tables' files, in rns-net's own format (a {@link TableFileWriter} envelope; every
 * integer big-endian, every hash raw). Python's `destination_table` and `tunnels` files name each
 * path's announce by its hash in a separate cache folder of one file per announce; ours carry the
 * announce inline, so a table of 100,000 paths is one file written in one atomic replace.
 *
 * - `path_table.rnsnet` (kind `path_table`, version 1): `u16 n` interface identities (`u16 length`,
 *   UTF-8 `Type[name]`), then `u32 count` paths, each {@link writePath} with a `u16` index into the
 *   identities.
 * - `tunnels.rnsnet` (kind `tunnels`, version 1): `u32 count` tunnels, each `id (32) | f64 expires
 *   | u32 paths` followed by its paths ({@link writePath}, without an interface).
 * - `packet_hashlist.rnsnet` (kind `packet_hashlist`, version 1): `u32 count`, then `count` keys
 *   of 8 bytes: the first 8 bytes of each packet hash, older generation first.
 *
 * A path is `destination (16) | f64 timestamp ms | u8 hops | f64 expires ms | u8 blobs |
 * blobs (10 each, oldest first, at most 32) | u16 length | announce as received`.
 */

/** Name of the path table file in the storage folder. */
export const PATH_TABLE_NAME = 'path_table.rnsnet';
/** Name of the tunnel table file. */
export const TUNNELS_NAME = 'tunnels.rnsnet';
/** Name of the packet hashlist file. */
export const HASHLIST_NAME = 'packet_hashlist.rnsnet';
/** Python's packet hashlist (`packet_hashlist.raw`: 32-byte packet hashes back to back), read when ours is missing. */
export const PYTHON_HASHLIST_NAME = 'packet_hashlist.raw';

const FORMAT_VERSION = 1;

/** A path as stored: everything but the interface, which a path table file names by index. */
export interface StoredPath {
  readonly destination: BinaryKey;
  /** When learnt or last used, ms since the epoch. */
  readonly timestamp: number;
  readonly hops: number;
  /** Expiry, ms since the epoch. */
  readonly expires: number;
  readonly blobs: RandomBlobs;
  /** The announce as received (latin1). */
  readonly announce: string;
}

/** A path of the path table file, with the identity of its interface. */
export interface StoredTablePath extends StoredPath {
  /** `Type[name]` of the configured interface the path runs over. */
  readonly interfaceIdentity: string;
}

/** A tunnel as stored (detached: its peer reconnects to claim it). */
export interface StoredTunnel {
  /** The 32-byte tunnel id. */
  readonly id: BinaryKey;
  /** When it is forgotten, ms since the epoch. */
  readonly expires: number;
  readonly paths: readonly StoredPath[];
}

/** A path to write: a path table entry or a tunnel path, with its destination. */
export interface PathToWrite {
  readonly destination: BinaryKey;
  readonly timestamp: number;
  readonly hops: number;
  readonly expires: number;
  readonly blobs: RandomBlobs;
  readonly announce: string;
}

/**
 * Encodes the path table: `paths[i]` runs over the interface `identities[interfaceOf[i]]`, in the
 * slices of `budget`.
 */
export async function encodePathTable(
  identities: readonly string[],
  paths: readonly PathToWrite[],
  interfaceOf: Uint16Array,
  budget: SliceBudget,
): Promise<Buffer[]> {
  const out = new TableFileWriter('path_table', FORMAT_VERSION);
  out.u16(identities.length);
  for (const identity of identities) {
    const bytes = Buffer.from(identity, 'utf8');
    out.u16(bytes.length);
    out.bytes(bytes);
  }
  out.u32(paths.length);
  for (let i = 0; i < paths.length; i++) {
    writePath(out, paths[i], paths[i].destination);
    out.u16(interfaceOf[i]);
    if (budget.step()) await budget.pause();
  }
  return out.finish();
}

/** Reads a path table file. @throws Error when it is not one, or damaged. */
export function decodePathTable(bytes: Uint8Array): StoredTablePath[] {
  return runAtOnce(pathTableJob(bytes));
}

/** Reads a path table file in the slices of `budget`. @throws Error when it is not one, or damaged. */
export function readPathTable(bytes: Uint8Array, budget: SliceBudget): Promise<StoredTablePath[]> {
  return runInSlices(pathTableJob(bytes), budget);
}

function* pathTableJob(bytes: Uint8Array): Generator<void, StoredTablePath[]> {
  const { reader } = yield* openTableFileJob(bytes, 'path_table', FORMAT_VERSION);
  const identities: string[] = [];
  for (let n = reader.u16(); n > 0; n--) identities.push(reader.view(reader.u16()).toString('utf8'));
  const paths: StoredTablePath[] = [];
  for (let n = reader.u32(); n > 0; n--) {
    const path = readPath(reader);
    const identity = identities[reader.u16()];
    if (identity === undefined) throw new Error('a path names an interface the file does not list');
    paths.push({ ...path, interfaceIdentity: identity });
    yield;
  }
  reader.expectEnd();
  return paths;
}

/** Encodes the tunnels, in the slices of `budget` (counted in paths). */
export async function encodeTunnels(
  tunnels: ReadonlyArray<{
    readonly id: BinaryKey;
    readonly expires: number;
    readonly paths: ReadonlyMap<BinaryKey, Omit<PathToWrite, 'destination'>>;
  }>,
  budget: SliceBudget,
): Promise<Buffer[]> {
  const out = new TableFileWriter('tunnels', FORMAT_VERSION);
  out.u32(tunnels.length);
  for (const tunnel of tunnels) {
    // The tunnel's paths are copied first: the map may change while this waits for a turn.
    const destinations = [...tunnel.paths.keys()];
    const paths = [...tunnel.paths.values()];
    out.latin1(tunnel.id);
    out.f64(tunnel.expires);
    out.u32(paths.length);
    for (let i = 0; i < paths.length; i++) {
      writePath(out, paths[i], destinations[i]);
      if (budget.step()) await budget.pause();
    }
  }
  return out.finish();
}

/** Reads a tunnels file. @throws Error when it is not one, or damaged. */
export function decodeTunnels(bytes: Uint8Array): StoredTunnel[] {
  const { reader } = openTableFile(bytes, 'tunnels', FORMAT_VERSION);
  const tunnels: StoredTunnel[] = [];
  for (let n = reader.u32(); n > 0; n--) {
    const id = reader.latin1(FULL_HASH_LENGTH);
    const expires = reader.f64();
    const paths: StoredPath[] = [];
    for (let p = reader.u32(); p > 0; p--) paths.push(readPath(reader));
    tunnels.push({ id, expires, paths });
  }
  reader.expectEnd();
  return tunnels;
}

/**
 * Encodes packet hash keys (`[high, low]` pairs, as {@link DedupCache.keys} gives them), in the
 * slices of `budget`; a hash is 8 bytes to copy, so 16 of them count as one entry.
 */
export async function encodeHashlist(keys: Int32Array, budget: SliceBudget): Promise<Buffer[]> {
  const out = new TableFileWriter('packet_hashlist', FORMAT_VERSION);
  const count = keys.length / 2;
  out.u32(count);
  // Little-endian words: the bytes are the packet hash's first 8, as the keys were read from it.
  for (let i = 0; i < count; i++) {
    out.i32le(keys[2 * i]);
    out.i32le(keys[2 * i + 1]);
    if ((i & 15) === 15 && budget.step()) await budget.pause();
  }
  return out.finish();
}

/** Reads a packet hashlist file into `[high, low]` pairs. @throws Error when it is not one, or damaged. */
export function decodeHashlist(bytes: Uint8Array): Int32Array {
  const { reader } = openTableFile(bytes, 'packet_hashlist', FORMAT_VERSION);
  const count = reader.u32();
  if (count * 8 !== reader.remaining)
    throw new Error(`a hashlist of ${count} keys holds ${reader.remaining} bytes`);
  const keys = new Int32Array(2 * count);
  for (let i = 0; i < keys.length; i++) keys[i] = reader.i32le();
  return keys;
}

/**
 * Reads Python's `packet_hashlist.raw` (32-byte hashes back to back; a short tail is ignored, as
 * Python's reader ignores it) into `[high, low]` pairs of their first 8 bytes.
 */
export function decodePythonHashlist(bytes: Uint8Array): Int32Array {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const count = Math.floor(data.length / FULL_HASH_LENGTH);
  const keys = new Int32Array(2 * count);
  for (let i = 0; i < count; i++) {
    keys[2 * i] = data.readInt32LE(i * FULL_HASH_LENGTH);
    keys[2 * i + 1] = data.readInt32LE(i * FULL_HASH_LENGTH + 4);
  }
  return keys;
}

function writePath(
  out: TableFileWriter,
  path: Omit<PathToWrite, 'destination'>,
  destination: BinaryKey,
): void {
  out.latin1(destination);
  out.f64(path.timestamp);
  out.u8(path.hops);
  out.f64(path.expires);
  const blobs = path.blobs.slice(-PERSIST_RANDOM_BLOBS * RANDOM_HASH_LENGTH);
  out.u8(blobs.length / RANDOM_HASH_LENGTH);
  out.latin1(blobs);
  out.u16(path.announce.length);
  out.latin1(path.announce);
}

function readPath(reader: ByteReader): StoredPath {
  const destination = reader.latin1(ADDRESS_LENGTH);
  const timestamp = reader.f64();
  const hops = reader.u8();
  const expires = reader.f64();
  const blobs = reader.latin1(reader.u8() * RANDOM_HASH_LENGTH);
  const announce = reader.latin1(reader.u16());
  if (!Number.isFinite(timestamp) || !Number.isFinite(expires)) throw new Error('a path has no valid time');
  // The announce's own destination must be the path's: a cheap check that the record is whole.
  const header2 = (announce.charCodeAt(0) & HEADER_2_FLAG) !== 0;
  const at = header2 ? HEADER_2_DESTINATION_OFFSET : ADDRESS_OFFSET;
  const dataAt = (header2 ? HEADER_2_DESTINATION_OFFSET + ADDRESS_LENGTH : HEADER_1_CONTEXT_OFFSET) + 1;
  if (
    announce.length < dataAt + ANNOUNCE_MIN_LENGTH ||
    announce.slice(at, at + ADDRESS_LENGTH) !== destination
  ) {
    throw new Error('a path does not hold its destination announce');
  }
  return { destination, timestamp, hops, expires, blobs, announce };
}
