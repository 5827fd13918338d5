import { expect } from 'chai';
import * as fc from 'fast-check';
import { BlobStore, MemoryBlobStore } from '../../../src/core/storage';
import { Identity } from '../../../src/protocol/identity';
import { KNOWN_DESTINATIONS_NAME } from '../../../src/protocol/known-destinations';
import { packetHash } from '../../../src/protocol/packet-hash';
import { PERSIST_INTERVAL_MS } from '../../../src/transport/constants';
import {
  HASHLIST_NAME,
  PATH_TABLE_NAME,
  PYTHON_HASHLIST_NAME,
  TUNNELS_NAME,
  decodeHashlist,
  decodePathTable,
  decodeTunnels,
  encodeHashlist,
  encodePathTable,
} from '../../../src/transport/table-files';
import { RecordingLogger } from '../../helpers/recording-logger';
import { TestDestination, transportData, tunnelSynthesis } from './support/packets';
import { Harness } from './support/transport-harness';

/** Runs `write` to completion, letting the engine's slices (zero-delay timers) run. */
async function settle(h: Harness, pending: Promise<void>): Promise<void> {
  let done = false;
  void pending.then(() => (done = true));
  for (let i = 0; i < 1000 && !done; i++) await h.run(1);
  expect(done, 'the write finished').to.equal(true);
}

/** A node before a restart: a configured uplink (id 1), a spawned peer with a tunnel (10000), and paths via both. */
async function runningNode(store: BlobStore, identity = Identity.generate()) {
  const h = new Harness({ storage: store, identity });
  const uplink = h.iface(1, { name: 'Uplink' }, false);
  const peer = h.iface(10_000);
  const client = Identity.generate();
  h.receive(peer, tunnelSynthesis(client, 'TCPInterface[Client/192.0.2.7:4242]'));
  const viaUplink = [new TestDestination(), new TestDestination()];
  const viaPeer = [new TestDestination()];
  for (const d of viaUplink) h.receive(uplink, d.announce({ hops: 2, appData: Buffer.from('up') }));
  for (const d of viaPeer) h.receive(peer, d.announce());
  await h.run(0);
  return { h, uplink, peer, client, viaUplink, viaPeer };
}

describe('transport engine: persistence', () => {
  let h: Harness | undefined;

  afterEach(() => h?.dispose());

  it('brings back, after a restart, the paths of configured interfaces, the tunnels, the hashlist and the known keys', async () => {
    const store = new MemoryBlobStore();
    const identity = Identity.generate();
    const before = await runningNode(store, identity);
    h = before.h;
    const forwarded = transportData(before.viaUplink[0].hash, identity.hash);
    h.receive(before.peer, forwarded);
    const pathsBefore = h.engine.view.paths();
    expect(pathsBefore).to.have.length(3);
    h.engine.stop();
    await settle(h, h.engine.persist());
    expect(h.engine.counters.storageWrites).to.equal(1);
    for (const name of [KNOWN_DESTINATIONS_NAME, PATH_TABLE_NAME, TUNNELS_NAME, HASHLIST_NAME]) {
      expect(store.blobs.has(name), name).to.equal(true);
    }
    h.dispose();

    h = new Harness({ storage: store, identity });
    const report = await h.engine.load();
    expect(report.paths).to.deep.equal(
      { status: 'loaded', value: 2 },
      'paths via the spawned peer are not in the file',
    );
    expect(report.tunnels).to.deep.equal({ status: 'loaded', value: 1 });
    expect(report.knownDestinations).to.deep.equal({ status: 'loaded', value: 3 });
    expect(report.hashlist.status).to.equal('loaded');
    const uplink = h.iface(1, { name: 'Uplink' }, false);
    expect(h.engine.restorePaths([uplink])).to.equal(2);
    expect(h.engine.counters.pathsRestored).to.equal(2);
    const restored = h.engine.view.paths();
    const uplinkBefore = pathsBefore.filter((p) => p.interfaceName === 'Uplink');
    expect(
      restored.map(({ destination, hops, nextHop, expires, timestamp }) => ({
        destination,
        hops,
        nextHop,
        expires,
        timestamp,
      })),
    ).to.deep.equal(
      uplinkBefore.map(({ destination, hops, nextHop, expires, timestamp }) => ({
        destination,
        hops,
        nextHop,
        expires,
        timestamp,
      })),
    );

    // A packet seen before the restart is still a duplicate.
    const peer = h.iface(10_000);
    h.receive(peer, forwarded);
    expect(h.engine.counters.duplicates).to.equal(1);

    // The client reconnects on a new connection: its tunnel gives its path back.
    const again = h.iface(10_001);
    h.receive(again, tunnelSynthesis(before.client, 'TCPInterface[Client/192.0.2.7:4242]'));
    expect(h.engine.counters.tunnelPathsRestored).to.equal(1);
    expect(h.engine.view.paths({ destination: before.viaPeer[0].hash.toString('hex') })[0]).to.include({
      interfaceId: 10_001,
      hops: 1,
    });
  });

  it('restores a path only over the same configured interface (type and name) and only while unexpired', async () => {
    const store = new MemoryBlobStore();
    const before = await runningNode(store);
    h = before.h;
    await settle(h, h.engine.persist());
    h.dispose();

    h = new Harness({ storage: store });
    await h.engine.load();
    const renamed = h.iface(1, { name: 'Renamed' }, false);
    expect(h.engine.restorePaths([renamed])).to.equal(0);
    expect(h.engine.restorePaths([h.iface(2, { name: 'Uplink' }, false)])).to.equal(
      0,
      'the pending paths are used once',
    );
    h.dispose();

    h = new Harness({ storage: store });
    await h.engine.load();
    h.clock.setSystemTime(Date.now() + 8 * 24 * 3600_000);
    expect(h.engine.restorePaths([h.iface(1, { name: 'Uplink' }, false)])).to.equal(
      0,
      'a week and a day later',
    );
  });

  it('writes on its timer, not only at shutdown, and every write sees the current tables', async () => {
    const store = new MemoryBlobStore();
    const before = await runningNode(store);
    h = before.h;
    expect(store.blobs.has(PATH_TABLE_NAME)).to.equal(false);
    await h.run(PERSIST_INTERVAL_MS + 1000);
    expect(h.engine.counters.storageWrites).to.equal(1);
    expect(decodePathTable(store.blobs.get(PATH_TABLE_NAME)!)).to.have.length(2);
    h.receive(before.uplink, new TestDestination().announce());
    await h.run(PERSIST_INTERVAL_MS);
    expect(h.engine.counters.storageWrites).to.equal(2);
    expect(decodePathTable(store.blobs.get(PATH_TABLE_NAME)!)).to.have.length(3);
    expect(decodeTunnels(store.blobs.get(TUNNELS_NAME)!)[0].paths).to.have.length(1);
  });

  it('writes a large table a slice per event-loop turn', async () => {
    const store = new MemoryBlobStore();
    h = new Harness({ storage: store, limits: { persistSlice: 64 } });
    const uplink = h.iface(1, { name: 'Uplink' }, false);
    const other = h.iface(2, { name: 'Other' }, false);
    for (let i = 0; i < 300; i++) h.receive(i % 2 === 0 ? uplink : other, new TestDestination().announce());
    for (let i = 0; i < 100 && h.engine.view.sizes().verifying > 0; i++) await h.run(1);
    expect(h.engine.view.sizes().paths).to.equal(300);
    const write = h.engine.persist();
    await h.run(0);
    await h.run(0);
    expect(store.blobs.has(KNOWN_DESTINATIONS_NAME), 'not written in one turn').to.equal(false);
    await settle(h, write);
    expect(decodePathTable(store.blobs.get(PATH_TABLE_NAME)!)).to.have.length(300);
  });

  it('a write asked for during another runs after it; a failing store is counted, never thrown', async () => {
    const failing: BlobStore = {
      read: () => Promise.resolve(undefined),
      write: () => Promise.reject(new Error('disk full')),
      setAside: () => Promise.resolve(undefined),
    };
    const logger = new RecordingLogger();
    h = new Harness({ storage: failing, logger });
    h.iface(1, { name: 'Uplink' }, false);
    const first = h.engine.persist();
    const second = h.engine.persist();
    await settle(
      h,
      Promise.all([first, second]).then(() => undefined),
    );
    expect(h.engine.counters.storageWriteFailures).to.equal(2);
    expect(logger.lines.filter((l) => l.level === 'error')).to.have.length(2);
  });

  it("reads an rnsd's packet_hashlist.raw when it has none of its own", async () => {
    const store = new MemoryBlobStore();
    const dest = new TestDestination();
    const seen = transportData(dest.hash, Buffer.alloc(16, 1));
    const announce = dest.announce();
    await store.write(
      PYTHON_HASHLIST_NAME,
      Buffer.concat([packetHash(seen), packetHash(announce), Buffer.alloc(5)]),
    );
    h = new Harness({ storage: store });
    expect((await h.engine.load()).hashlist).to.deep.equal({ status: 'loaded', value: 2 });
    h.receive(h.iface(1), transportData(dest.hash, h.identity.hash, { data: Buffer.alloc(0) }));
    expect(h.engine.counters.duplicates).to.equal(0, 'another packet');
    const toUs = Buffer.from(seen);
    toUs.set(h.identity.hash, 2);
    h.receive(h.iface(2), toUs);
    expect(h.engine.counters.duplicates).to.equal(1, 'the same packet (the transport id is not hashed)');
  });

  describe('damaged files', () => {
    let files: Map<string, Uint8Array>;

    before(async () => {
      const store = new MemoryBlobStore();
      const before = await runningNode(store);
      await settle(before.h, before.h.engine.persist());
      before.h.dispose();
      files = new Map(store.blobs);
    });

    const damages: Array<[string, (bytes: Uint8Array) => Uint8Array]> = [
      ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2))],
      ['cut by one byte', (b) => b.subarray(0, b.length - 1)],
      [
        'a flipped bit',
        (b) => {
          const copy = Uint8Array.from(b);
          copy[Math.floor(copy.length / 3)] ^= 0x10;
          return copy;
        },
      ],
      ['garbage', () => Buffer.from('this is not a table file at all')],
      ['empty', () => new Uint8Array(0)],
    ];

    for (const name of [PATH_TABLE_NAME, TUNNELS_NAME, HASHLIST_NAME, KNOWN_DESTINATIONS_NAME]) {
      for (const [damage, apply] of damages) {
        it(`${name}, ${damage}: reported and set aside, the rest loads`, async () => {
          const store = new MemoryBlobStore();
          for (const [file, bytes] of files) store.blobs.set(file, file === name ? apply(bytes) : bytes);
          const logger = new RecordingLogger();
          h = new Harness({ storage: store, logger });
          const report = await h.engine.load();
          const outcomes = {
            [PATH_TABLE_NAME]: report.paths,
            [TUNNELS_NAME]: report.tunnels,
            [HASHLIST_NAME]: report.hashlist,
            [KNOWN_DESTINATIONS_NAME]: report.knownDestinations,
          };
          if (name === KNOWN_DESTINATIONS_NAME && damage === 'a flipped bit') {
            // Python's format has no checksum: a flipped bit in a key or time still decodes.
            expect(outcomes[name].status).to.be.oneOf(['loaded', 'corrupt']);
            return;
          }
          for (const [file, outcome] of Object.entries(outcomes)) {
            expect(outcome.status, file).to.equal(file === name ? 'corrupt' : 'loaded');
          }
          expect(store.blobs.has(name)).to.equal(false);
          expect([...store.blobs.keys()].some((k) => k.startsWith(`${name}.corrupt-`))).to.equal(true);
          expect(logger.lines.some((l) => l.level === 'error' && l.fields?.name === name)).to.equal(true);
          expect(h.engine.restorePaths([h.iface(1, { name: 'Uplink' }, false)])).to.equal(
            name === PATH_TABLE_NAME ? 0 : 2,
          );
        });
      }
    }

    it('any mutation of any file never throws out of load (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...files.keys()),
          fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
          fc.nat(64),
          async (name, flips, cut) => {
            const store = new MemoryBlobStore();
            for (const [file, bytes] of files) store.blobs.set(file, bytes);
            const bytes = Buffer.from(
              files.get(name)!.subarray(0, Math.max(0, files.get(name)!.length - cut)),
            );
            for (const { at, value } of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
            store.blobs.set(name, bytes);
            const engine = new Harness({ storage: store });
            try {
              await engine.engine.load();
              engine.engine.restorePaths([engine.iface(1, { name: 'Uplink' }, false)]);
            } finally {
              engine.dispose();
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it('a path table file names its interfaces by Type[name] and round-trips through its codec', async () => {
    const path = {
      destination: 'd'.repeat(16),
      timestamp: 1.5,
      hops: 3,
      expires: 2.5,
      blobs: 'b'.repeat(10 * 40),
      announce: `\x01\x00${'d'.repeat(16)}\x00${'k'.repeat(148)}`,
    };
    const chunks = await encodePathTable(
      ['T[a]', 'T[b]'],
      [path, path],
      Uint16Array.of(1, 0),
      () => Promise.resolve(),
      1,
    );
    const decoded = decodePathTable(Buffer.concat(chunks));
    expect(decoded.map((p) => p.interfaceIdentity)).to.deep.equal(['T[b]', 'T[a]']);
    expect(decoded[0]).to.include({ destination: path.destination, hops: 3, timestamp: 1.5, expires: 2.5 });
    expect(decoded[0].blobs).to.have.length(320, 'the newest 32 blobs are written, as Python persists');
    const empty = await encodeHashlist(new Int32Array(0), () => Promise.resolve(), 1);
    expect(decodeHashlist(Buffer.concat(empty))).to.have.length(0);
  });
});
