import { decodeMulti, encode } from '@msgpack/msgpack';
import { expect } from 'chai';
import * as fc from 'fast-check';
import { SliceBudget } from '../../../src/core/slices';
import { silentLogger } from '../../../src/core/logger';
import { MemoryBlobStore, loadBlob } from '../../../src/core/storage';
import {
  Identity,
  KNOWN_DESTINATIONS_NAME,
  KnownDestinations,
  RETAINED,
  UNUSED_DESTINATION_LINGER_S,
  UNUSED_DESTINATION_TIMEOUT_S,
  decodeKnownDestinations,
  encodeKnownDestinations,
  loadKnownDestinations,
  readKnownDestinations,
  saveKnownDestinations,
} from '../../../src/protocol';
import { buildAnnounce } from '../../../src/protocol/announce-builder';
import { parseAnnounce } from '../../../src/protocol/announce';
import { parsePacket } from '../../../src/protocol/packet';
import { packetHash } from '../../../src/protocol/packet-hash';
import { RecordingLogger } from '../../helpers/recording-logger';
import { VECTORS, hex } from '../../vectors/fixture';

class ManualClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

function dest(n: number): Buffer {
  return Buffer.alloc(16, n);
}

const KEY_A = Identity.generate().publicKey;
const KEY_B = Identity.generate().publicKey;
const HASH = Buffer.alloc(32, 9);

describe('protocol: known destinations', () => {
  it('adds, refreshes and refuses a changed key (counted)', () => {
    const clock = new ManualClock(1000_000);
    const table = new KnownDestinations({ clock });
    expect(table.remember(dest(1), KEY_A, Buffer.from('a'), HASH)).to.equal('added');
    clock.ms += 5000;
    expect(table.remember(dest(1), KEY_A, null, HASH)).to.equal('updated');
    expect(table.get(dest(1))).to.include({ lastHeard: 1005, lastUsed: 0, appData: null });
    expect(table.remember(dest(1), KEY_B, null, HASH)).to.equal('key-changed');
    expect(table.counters.keyChangesRefused).to.equal(1);
    expect(Buffer.from(table.publicKeyOf(dest(1))!).equals(KEY_A)).to.equal(true);
    expect(table.publicKeyOf(dest(2))).to.equal(undefined);
  });

  it('an entry kept as its announce reads and writes as one kept as fields (packet hash derived)', async () => {
    const identity = Identity.generate();
    const cases = [
      buildAnnounce({ identity, appName: 'app', aspects: ['a'], appData: Buffer.from('sixteen bytes ok') }),
      buildAnnounce({ identity, appName: 'app', aspects: ['b'] }),
      buildAnnounce({
        identity,
        appName: 'app',
        aspects: ['c'],
        ratchet: Buffer.alloc(32, 7),
        appData: Buffer.alloc(0),
      }),
    ];
    const clock = new ManualClock(1000_000);
    const asAnnounce = new KnownDestinations({ clock });
    const asFields = new KnownDestinations({ clock });
    for (const raw of cases) {
      const packet = parsePacket(raw);
      if (!packet.ok) throw new Error('announce does not parse');
      const announce = parseAnnounce(packet);
      if (!announce.ok) throw new Error('announce does not parse');
      const text = raw.toString('latin1');
      expect(asAnnounce.rememberAnnounce(packet, announce, text)).to.equal('added');
      expect(asAnnounce.rememberAnnounce(packet, announce, text)).to.equal('updated');
      asFields.remember(announce.destinationHash, announce.publicKey, announce.appData, packetHash(raw));
      expect(asAnnounce.get(announce.destinationHash)).to.deep.equal(asFields.get(announce.destinationHash));
      expect(asAnnounce.keyDiffers(announce.destinationHash, announce.publicKey)).to.equal(false);
      expect(asAnnounce.keyDiffers(announce.destinationHash, KEY_A)).to.equal(true);
      expect(asAnnounce.rememberAnnounce(packet, { ...announce, publicKey: KEY_A }, text)).to.equal(
        'key-changed',
      );
    }
    expect(Buffer.concat(await asAnnounce.encodeInSlices())).to.deep.equal(
      Buffer.concat(await asFields.encodeInSlices()),
    );
  });

  it('culls as Python means to: pathless never-used after 6 min, pathless unused after 1.25 weeks', () => {
    const start = 1_767_225_600_000;
    const clock = new ManualClock(start);
    const table = new KnownDestinations({ clock });
    for (let i = 1; i <= 5; i++) table.remember(dest(i), KEY_A, null, HASH);
    table.markUsed(dest(2));
    table.retain(dest(3));
    const withPath = (key: string) => key === dest(4).toString('latin1');

    clock.ms = start + (UNUSED_DESTINATION_LINGER_S - 1) * 1000;
    expect(table.cull(withPath)).to.equal(0);
    clock.ms = start + (UNUSED_DESTINATION_LINGER_S + 1) * 1000;
    expect(table.cull(withPath)).to.equal(2); // 1 and 5: never used, pathless
    expect([...table.values()].map((e) => e.destinationHash[0])).to.deep.equal([2, 3, 4]);

    clock.ms = start + (UNUSED_DESTINATION_TIMEOUT_S + 10) * 1000;
    expect(table.cull(withPath)).to.equal(1); // 2: used once, long ago
    expect(table.get(dest(3))!.lastUsed).to.equal(RETAINED);
    expect(table.size).to.equal(2);
    expect(table.counters.culled).to.equal(3);
    expect(table.markUsed(dest(3))).to.equal(false, 'a retained entry stays retained');
  });

  it('stays under its cap by dropping the least recently heard, never a retained one while others exist', () => {
    const clock = new ManualClock(0);
    const table = new KnownDestinations({ clock, maxEntries: 3 });
    for (let i = 1; i <= 3; i++) table.remember(dest(i), KEY_A, null, HASH);
    table.retain(dest(1));
    table.remember(dest(2), KEY_A, null, HASH); // heard again: now the most recent
    table.remember(dest(4), KEY_A, null, HASH);
    expect(table.size).to.equal(3);
    expect(table.get(dest(3))).to.equal(undefined);
    expect(table.get(dest(1))).to.not.equal(undefined);
    expect(table.counters.evicted).to.equal(1);
  });

  it("reads Python's known_destinations file (umsgpack), as Identity.load_known_destinations does", () => {
    const entries = decodeKnownDestinations(hex(VECTORS.known_destinations.file));
    const time = VECTORS.known_destinations.time;
    expect(entries.length).to.equal(3, 'the wrong-length hash is skipped');
    const legacy = entries.find((e) => e.destinationHash.equals(Buffer.alloc(16, 0x42)))!;
    expect(legacy).to.include({ lastUsed: 0, lastHeard: time - 3600 });
    expect(legacy.appData!.toString()).to.equal('legacy');
    expect(entries.map((e) => e.lastUsed).sort()).to.deep.equal([-1, 0, time + 60].sort());
    for (const a of VECTORS.announces.filter((x) => x.valid && x.name.startsWith('ratchet'))) {
      expect(entries.some((e) => e.publicKey.toString('hex') === a.public_key)).to.equal(true);
    }
  });

  it('writes the same format back and reads its own file', () => {
    const entries = decodeKnownDestinations(hex(VECTORS.known_destinations.file));
    const again = decodeKnownDestinations(encodeKnownDestinations(entries));
    expect(again).to.deep.equal(entries);
    const table = new KnownDestinations({ clock: new ManualClock(0) });
    expect(table.load(again)).to.equal(3);
    expect(decodeKnownDestinations(encodeKnownDestinations(table.values()))).to.deep.equal(entries);
    expect(decodeKnownDestinations(encodeKnownDestinations([]))).to.deep.equal([]);
  });

  it('encodes large tables with 16- and 32-bit map headers', () => {
    for (const count of [15, 16, 70_000]) {
      const entries = Array.from({ length: count }, (_, i) => ({
        destinationHash: Buffer.from(i.toString(16).padStart(32, '0'), 'hex'),
        publicKey: KEY_A,
        appData: null,
        packetHash: HASH,
        lastHeard: i + 0.5,
        lastUsed: 0,
      }));
      expect(decodeKnownDestinations(encodeKnownDestinations(entries)).length).to.equal(count);
    }
  });

  it('keeps null and empty app data apart, and app data of any size', () => {
    const table = new KnownDestinations({ clock: new ManualClock(0) });
    table.remember(dest(1), KEY_A, null, HASH);
    table.remember(dest(2), KEY_A, Buffer.alloc(0), HASH);
    table.remember(dest(3), KEY_B, Buffer.alloc(5000, 7), HASH);
    expect(table.get(dest(1))!.appData).to.equal(null);
    expect(table.get(dest(2))!.appData).to.deep.equal(Buffer.alloc(0));
    expect(table.get(dest(3))!.appData).to.deep.equal(Buffer.alloc(5000, 7));
    expect(table.get(dest(3))!.publicKey.equals(KEY_B)).to.equal(true);
    expect(table.get(dest(3))!.packetHash.equals(HASH)).to.equal(true);
    const again = decodeKnownDestinations(encodeKnownDestinations(table.values()));
    expect(again.map((e) => e.appData?.length ?? null)).to.deep.equal([null, 0, 5000]);
  });

  it('encodes in slices, pausing between them, to the same bytes', async () => {
    const table = new KnownDestinations({ clock: new ManualClock(1_767_225_600_123) });
    for (let i = 0; i < 100; i++) {
      table.remember(
        Buffer.alloc(16, i),
        i % 2 === 0 ? KEY_A : KEY_B,
        i % 3 === 0 ? null : Buffer.from([i]),
        HASH,
      );
    }
    table.markUsed(dest(4));
    table.retain(dest(5));
    let pauses = 0;
    const pause = () => {
      pauses++;
      return Promise.resolve();
    };
    const chunks = await table.encodeInSlices(new SliceBudget(pause, { now: () => 0 }, 16));
    expect(pauses).to.equal(6);
    expect(Buffer.concat(chunks)).to.deep.equal(Buffer.from(encodeKnownDestinations(table.values())));
    expect(decodeKnownDestinations(Buffer.concat(chunks))).to.deep.equal([...table.values()]);
  });

  it('keeps an entry whose packet hash has another length (as Python would use it)', () => {
    const file = encodeKnownDestinations([]);
    expect(file).to.deep.equal(Uint8Array.of(0x80));
    // {dest: [1.5, bin(3), key, nil, 0]}, written by hand
    const odd = Buffer.concat([
      Buffer.from([0x81, 0xc4, 16]),
      dest(7),
      Buffer.from([0x95, 0xcb]),
      Buffer.from(new Float64Array([1.5]).buffer).reverse(),
      Buffer.from([0xc4, 3, 1, 2, 3, 0xc4, 64]),
      KEY_A,
      Buffer.from([0xc0, 0]),
    ]);
    const [entry] = decodeKnownDestinations(odd);
    expect(entry.publicKey.equals(KEY_A)).to.equal(true);
    expect(entry.packetHash).to.deep.equal(Buffer.alloc(32));
    expect(entry.lastHeard).to.equal(1.5);
  });

  it('sets a corrupt file aside and reports it, never throws', async () => {
    const store = new MemoryBlobStore();
    const logger = new RecordingLogger();
    for (const bad of [
      Uint8Array.of(0xc1),
      Uint8Array.of(0x93, 1, 2, 3),
      Buffer.from('not msgpack at all'),
    ]) {
      await store.write('known_destinations', bad);
      const outcome = await loadBlob(store, 'known_destinations', decodeKnownDestinations, logger);
      expect(outcome.status).to.equal('corrupt');
      expect(store.blobs.has('known_destinations')).to.equal(false);
    }
    expect(
      [...store.blobs.keys()].filter((k) => k.startsWith('known_destinations.corrupt-')).length,
    ).to.equal(3);
    expect(logger.lines.some((r) => r.level === 'error')).to.equal(true);
    expect(
      (await loadBlob(store, 'known_destinations', decodeKnownDestinations, silentLogger)).status,
    ).to.equal('missing');
  });
});

describe('protocol: known destinations on disk', () => {
  it('saves to a store and loads back into another table; a Python file loads the same way', async () => {
    const store = new MemoryBlobStore();
    const table = new KnownDestinations({ clock: new ManualClock(1_767_225_600_000) });
    table.remember(dest(1), KEY_A, Buffer.from('x'), HASH);
    table.remember(dest(2), KEY_B, null, HASH);
    await saveKnownDestinations(store, table);
    const again = new KnownDestinations({ clock: new ManualClock(0) });
    expect(await loadKnownDestinations(store, again, silentLogger)).to.deep.equal({
      status: 'loaded',
      value: 2,
    });
    expect(Buffer.from(again.publicKeyOf(dest(2))!).equals(KEY_B)).to.equal(true);
    expect(again.get(dest(1))!.appData!.toString()).to.equal('x');

    await store.write(KNOWN_DESTINATIONS_NAME, hex(VECTORS.known_destinations.file));
    const fromPython = new KnownDestinations({ clock: new ManualClock(0) });
    expect(await loadKnownDestinations(store, fromPython, silentLogger)).to.deep.equal({
      status: 'loaded',
      value: 3,
    });
  });

  it('reports a missing file and sets a corrupt one aside', async () => {
    const store = new MemoryBlobStore();
    const table = new KnownDestinations({ clock: new ManualClock(0) });
    expect(await loadKnownDestinations(store, table, silentLogger)).to.deep.equal({ status: 'missing' });
    await store.write(KNOWN_DESTINATIONS_NAME, Buffer.from([0x92, 0x01]));
    const outcome = await loadKnownDestinations(store, table, silentLogger);
    expect(outcome.status).to.equal('corrupt');
    expect(table.size).to.equal(0);
  });
});

/**
 * The rules, applied to a generic MessagePack decode: what the hand-written reader must agree
 * with on any file.
 */
function reference(bytes: Uint8Array, count: number, headerLength: number): unknown[] {
  const out: Array<Record<string, unknown>> = [];
  const items = [...decodeMulti(bytes.subarray(headerLength))];
  if (items.length !== 2 * count) throw new Error('not a whole map');
  for (let i = 0; i < items.length; i += 2) {
    const [key, value] = [items[i], items[i + 1]];
    if (!(key instanceof Uint8Array) || key.length !== 16) continue;
    if (!Array.isArray(value) || value.length < 4) continue;
    const [time, hash, publicKey, appData, lastUsed] = value as unknown[];
    if (typeof time !== 'number' || !Number.isFinite(time)) continue;
    if (!(hash instanceof Uint8Array) || !(publicKey instanceof Uint8Array) || publicKey.length !== 64)
      continue;
    if (appData !== null && !(appData instanceof Uint8Array)) continue;
    out.push({
      destinationHash: Buffer.from(key),
      publicKey: Buffer.from(publicKey),
      appData: appData instanceof Uint8Array ? Buffer.from(appData) : null,
      packetHash: hash.length === 32 ? Buffer.from(hash) : Buffer.alloc(32),
      lastHeard: time,
      lastUsed: typeof lastUsed === 'number' && Number.isFinite(lastUsed) ? lastUsed : 0,
    });
  }
  return out.sort((a, b) => (a.lastHeard as number) - (b.lastHeard as number));
}

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(new Date(1_700_000_000_123)),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.uint8Array({ maxLength: 4 })), { maxLength: 20 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 18 }),
);
const bin = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const likely = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: anyValue, weight: 1 });
const entryValue = fc
  .tuple(
    likely(fc.oneof(fc.double({ noNaN: true, min: 0, max: 2e9 }), fc.nat())),
    likely(fc.oneof(bin(32), bin(3))),
    likely(bin(64)),
    likely(fc.oneof(fc.constant(null), fc.uint8Array({ maxLength: 70_000 }))),
    fc.option(likely(fc.oneof(fc.constant(-1), fc.nat(), fc.double())), { nil: undefined }),
    fc.array(anyValue, { maxLength: 2 }),
  )
  .map(([time, hash, key, appData, lastUsed, extra]) =>
    lastUsed === undefined ? [time, hash, key, appData] : [time, hash, key, appData, lastUsed, ...extra],
  );
const pair = fc.tuple(
  likely(bin(16)),
  fc.oneof({ arbitrary: entryValue, weight: 8 }, { arbitrary: anyValue, weight: 1 }),
);

describe('protocol: known destinations file reader', () => {
  it('reads any MessagePack map as the rules over a generic decoder do', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 20 }), (pairs) => {
        const body = Buffer.concat(pairs.flatMap(([k, v]) => [encode(k), encode(v)]));
        const header = pairs.length < 16 ? Buffer.of(0x80 | pairs.length) : Buffer.of(0xde, 0, pairs.length);
        const file = Buffer.concat([header, body]);
        expect(decodeKnownDestinations(file)).to.deep.equal(reference(file, pairs.length, header.length));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a map cut short or followed by more data, whatever is cut', () => {
    const table = new KnownDestinations({ clock: new ManualClock(1_767_225_600_123) });
    for (let i = 0; i < 20; i++) table.remember(dest(i), KEY_A, Buffer.from([i]), HASH);
    const file = Buffer.from(encodeKnownDestinations(table.values()));
    for (let cut = 1; cut < file.length; cut += 7) {
      expect(() => decodeKnownDestinations(file.subarray(0, file.length - cut)), `cut ${cut}`).to.throw(
        /known destinations/,
      );
    }
    expect(() => decodeKnownDestinations(Buffer.concat([file, Buffer.of(0)]))).to.throw(/data after the map/);
  });

  it('reads in slices to the same table', async () => {
    const table = new KnownDestinations({ clock: new ManualClock(1_767_225_600_123) });
    for (let i = 0; i < 50; i++) table.remember(dest(i), i % 2 ? KEY_A : KEY_B, null, HASH);
    const file = encodeKnownDestinations(table.values());
    let pauses = 0;
    const budget = new SliceBudget(
      () => {
        pauses++;
        return Promise.resolve();
      },
      { now: () => 0 },
      8,
    );
    const again = new KnownDestinations({ clock: new ManualClock(0) });
    expect(await again.loadStored(await readKnownDestinations(file, budget), budget)).to.equal(50);
    expect(pauses).to.be.greaterThan(10);
    expect([...again.values()]).to.deep.equal([...table.values()]);
  });
});
