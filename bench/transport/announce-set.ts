/**
 * Unique, valid announces in bulk for the transport benchmarks: one fresh identity per
 * destination (so a hub imports and keeps a key per entry, as it would for real announcers),
 * `bench.load` with app data of a chosen size.
 *
 * The Ed25519 half of each identity is a fresh node:crypto key pair that signs the announce; the
 * X25519 half is 32 random bytes (every 32-byte string is an X25519 public key, and a transport
 * node never uses it). Generating a key pair and signing costs about 0.1 to 0.5 ms per announce
 * on the 2-core machines these run on, so a set is cached in the system temp directory by count
 * and app-data size and reused by later runs (every run starts fresh hubs, so reuse is sound;
 * the emission time in the random hash is never a reason to reject an announce).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { frameInto, framedLength } from '../../src/core/hdlc';
import { RANDOM_HASH_LENGTH } from '../../src/protocol/announce';
import { destinationHashFromNameHash, nameHash } from '../../src/protocol/destination';
import { parsePacket, serialisePacket } from '../../src/protocol/packet';
import {
  ADDRESS_LENGTH,
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../../src/protocol/packet-constants';
import { truncatedHash } from '../../src/protocol/packet-hash';

/** A set of announces and their destinations. */
export interface AnnounceSet {
  /** The announce packets (HEADER_1, hops 0). */
  readonly packets: readonly Buffer[];
  /** Destination hash of each, as a 16-character latin1 string. */
  readonly destinations: readonly string[];
  /** Index of each destination. */
  readonly indexOf: ReadonlyMap<string, number>;
}

/** Options of {@link announceSet}. */
export interface AnnounceSetOptions {
  /** Announces (unique destinations). */
  readonly count: number;
  /** App data bytes per announce (default 16). */
  readonly appDataBytes?: number;
  /** Where sets are cached; null: no cache (default: `<tmpdir>/rns-net-bench-cache`). */
  readonly cacheDir?: string | null;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

const CACHE_VERSION = 1;
const NAME_HASH = nameHash('bench', ['load']);

/** The default cache directory. */
export function defaultCacheDir(): string {
  return path.join(tmpdir(), 'rns-net-bench-cache');
}

/** One announce by a fresh identity (see the module comment). */
export function freshAnnounce(appData: Uint8Array): Buffer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('node:crypto exported no public key');
  const key = Buffer.concat([randomBytes(32), Buffer.from(x, 'base64url')]);
  const destination = destinationHashFromNameHash(NAME_HASH, truncatedHash(key));
  const random = Buffer.alloc(RANDOM_HASH_LENGTH);
  randomBytes(5).copy(random, 0);
  random.writeUIntBE(Math.floor(Date.now() / 1000), 5, 5);
  const signature = sign(null, Buffer.concat([destination, key, NAME_HASH, random, appData]), privateKey);
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.SINGLE,
    packetType: PacketType.ANNOUNCE,
    hops: 0,
    transportId: null,
    destinationHash: destination,
    context: PacketContext.NONE,
    data: Buffer.concat([key, NAME_HASH, random, signature, appData]),
  });
}

function toSet(packets: Buffer[]): AnnounceSet {
  const destinations = packets.map((p) => p.toString('latin1', 2, 2 + ADDRESS_LENGTH));
  const indexOf = new Map(destinations.map((d, i) => [d, i]));
  if (indexOf.size !== packets.length) throw new Error('bench: announce set has repeated destinations');
  return { packets, destinations, indexOf };
}

function readCache(file: string, count: number): Buffer[] | null {
  if (!existsSync(file)) return null;
  try {
    const bytes = readFileSync(file);
    const packets: Buffer[] = [];
    let at = 0;
    while (at + 2 <= bytes.length && packets.length < count) {
      const length = bytes.readUInt16BE(at);
      const packet = Buffer.from(bytes.subarray(at + 2, at + 2 + length));
      const parsed = parsePacket(packet);
      if (!parsed.ok || parsed.packetType !== PacketType.ANNOUNCE) return null;
      packets.push(packet);
      at += 2 + length;
    }
    return packets.length === count ? packets : null;
  } catch {
    return null;
  }
}

function writeCache(file: string, packets: Buffer[]): void {
  const parts: Buffer[] = [];
  for (const p of packets) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(p.length);
    parts.push(length, p);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, Buffer.concat(parts));
  renameSync(temp, file);
}

/** `count` unique valid announces, from the cache when it holds them (see the module comment). */
export function announceSet(options: AnnounceSetOptions): AnnounceSet {
  const appDataBytes = options.appDataBytes ?? 16;
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const file =
    cacheDir === null
      ? null
      : path.join(cacheDir, `announces-v${CACHE_VERSION}-n${options.count}-a${appDataBytes}.bin`);
  const cached = file === null ? null : readCache(file, options.count);
  if (cached !== null) return toSet(cached);
  const started = Date.now();
  const packets: Buffer[] = [];
  for (let i = 0; i < options.count; i++) {
    packets.push(freshAnnounce(randomBytes(appDataBytes)));
    if ((i + 1) % 20_000 === 0) options.log?.(`  generated ${i + 1} announces ...`);
  }
  options.log?.(
    `  generated ${options.count} announces in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (file === null ? '' : ` (cached in ${file})`),
  );
  if (file !== null) writeCache(file, packets);
  return toSet(packets);
}

/** The HDLC frames of packets `from` (inclusive) to `to` (exclusive), back to back. */
export function framePackets(packets: readonly Uint8Array[], from: number, to: number): Buffer {
  let length = 0;
  for (let i = from; i < to; i++) length += framedLength(packets[i]);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let i = from; i < to; i++) at += frameInto(packets[i], out, at);
  return out;
}

/**
 * The destination of a received announce (HEADER_1 or HEADER_2) as a latin1 key, or null when
 * `packet` is not an announce.
 */
export function announceDestination(packet: Uint8Array): string | null {
  if (packet.length < 19 || (packet[0] & 0x03) !== PacketType.ANNOUNCE) return null;
  const offset = (packet[0] & 0x40) !== 0 ? 18 : 2;
  if (packet.length < offset + ADDRESS_LENGTH + 1) return null;
  return Buffer.from(packet.buffer, packet.byteOffset, packet.length).toString(
    'latin1',
    offset,
    offset + ADDRESS_LENGTH,
  );
}
