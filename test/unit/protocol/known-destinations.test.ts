import { expect } from 'chai';
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
  saveKnownDestinations,
} from '../../../src/protocol';
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
    const chunks = await table.encodeInSlices(() => {
      pauses++;
      return Promise.resolve();
    }, 16);
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
