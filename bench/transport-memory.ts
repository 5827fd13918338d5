/**
 * Memory per path-table entry (with its known destination) and the cost of persisting the
 * tables, in-process.
 *
 * Usage: `npm run build && node --expose-gc dist/bench/transport-memory.js [--paths N] [--app-data BYTES]`
 * (defaults 100,000 paths, 16 bytes of app data).
 *
 * N valid announces (distinct destinations, one hop away, 16 bytes of app data) go through a
 * transport engine on four configured interfaces, with ingress control off, until their
 * rebroadcasts are done. Reported:
 * - heap + external growth after a full GC, per path, for the engine with its known-destinations
 *   store, and for the known-destinations store alone (the same entries remembered directly);
 * - one write of every table to a real folder (file sizes, wall time) while an event-loop delay
 *   histogram runs: its max is the longest the loop was held (the largest slice);
 * - reading the files back and restoring the paths in a new engine.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { systemClock } from '../src/core/clock';
import { InterfaceEntry } from '../src/core/driver/interface-entry';
import { emptyInterfaceStats } from '../src/core/driver/interface-stats';
import { OPEN_INTERFACE } from '../src/core/frame-authenticator';
import { DEFAULT_INGRESS_CONTROL } from '../src/core/ingress-control';
import { makeInterfaceInfo } from '../src/core/interface-info';
import { InterfaceMode } from '../src/core/interface-mode';
import { BlobStore } from '../src/core/storage';
import { WriteOutcome } from '../src/core/writer';
import { FileBlobStore } from '../src/node/storage/file-blob-store';
import { buildAnnounce } from '../src/protocol/announce-builder';
import { parseAnnounce } from '../src/protocol/announce';
import { Identity } from '../src/protocol/identity';
import { KnownDestinations } from '../src/protocol/known-destinations';
import { parsePacket } from '../src/protocol/packet';
import { packetHash } from '../src/protocol/packet-hash';
import { TransportEngine } from '../src/transport/transport-engine';
import { TransportHost } from '../src/transport/transport-host';

const gc = (globalThis as { gc?: () => void }).gc;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

function heapBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** The system clock, telling when a zero-delay timer (a persistence slice's pause) is set and fires. */
const slicing = {
  onPause: () => undefined as void,
  onResume: () => undefined as void,
  now: () => systemClock.now(),
  setInterval: (callback: () => void, ms: number) => systemClock.setInterval(callback, ms),
  setTimeout(callback: () => void, ms: number) {
    if (ms !== 0) return systemClock.setTimeout(callback, ms);
    slicing.onPause();
    return systemClock.setTimeout(() => {
      slicing.onResume();
      callback();
    }, 0);
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Four configured interfaces that accept and drop whatever is sent. */
class BenchHost implements TransportHost {
  readonly entries: InterfaceEntry[];

  constructor() {
    this.entries = [1, 2, 3, 4].map((id) => ({
      id,
      info: makeInterfaceInfo({
        id,
        name: `Uplink ${id}`,
        mode: InterfaceMode.Full,
        ingressControl: { ...DEFAULT_INGRESS_CONTROL, enabled: false },
        bitrate: 1_000_000_000,
        started: Date.now() / 1000 - 86_400,
      }),
      typeName: 'BackboneInterface',
      online: true,
      dynamic: false,
      parentId: null,
      writer: null,
      stats: emptyInterfaceStats(),
      authenticator: OPEN_INTERFACE,
    }));
  }

  onlineInterfaces(): readonly InterfaceEntry[] {
    return this.entries;
  }

  entry(id: number): InterfaceEntry | undefined {
    return this.entries[id - 1];
  }

  transmit(): WriteOutcome {
    return 'accepted';
  }
}

/** Announces of distinct destinations (a few identities, one aspect per destination). */
function* announces(count: number, appDataBytes: number): Generator<Buffer> {
  const identities = Array.from({ length: 16 }, () => Identity.generate());
  const appData = Buffer.alloc(appDataBytes, 0x61);
  for (let i = 0; i < count; i++) {
    yield buildAnnounce({ identity: identities[i % 16], appName: 'bench', aspects: [`d${i}`], appData });
  }
}

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const count = arg('--paths', 100_000);
  const appDataBytes = arg('--app-data', 16);
  const dir = await mkdtemp(path.join(tmpdir(), 'rns-net-transport-memory-'));
  try {
    const host = new BenchHost();
    const identity = Identity.generate();
    const known = new KnownDestinations({ clock: systemClock });
    const files = new FileBlobStore(path.join(dir, 'storage'));
    // Waiting for the disk is not holding the loop: a write ends a slice, its completion starts one.
    const storage: BlobStore = {
      read: (name) => files.read(name),
      setAside: (name) => files.setAside(name),
      write: async (name, data) => {
        slicing.onPause();
        try {
          await files.write(name, data);
        } finally {
          slicing.onResume();
        }
      },
    };
    const engine = new TransportEngine({
      host,
      clock: slicing,
      identity,
      knownDestinations: known,
      storage,
    });
    engine.start();

    const base = heapBytes();
    let fed = 0;
    const generateStart = performance.now();
    for (const raw of announces(count, appDataBytes)) {
      engine.handle(host.entries[fed % 4], raw);
      if (++fed % 512 === 0) while (engine.view.sizes().verifying > 0) await sleep(1);
    }
    while (engine.view.sizes().verifying > 0) await sleep(5);
    const fedMs = performance.now() - generateStart;
    // Rebroadcasts go out within ~6 s; their table entries are not part of a path's cost.
    while (engine.view.sizes().announces > 0) await sleep(250);
    const grown = heapBytes() - base;
    const sizes = engine.view.sizes();

    // The known-destinations store alone: the same kind of entries remembered directly.
    const alone = new KnownDestinations({ clock: systemClock });
    const parsed = [...announces(20_000, appDataBytes)].map((raw) => {
      const packet = parsePacket(raw);
      if (!packet.ok) throw new Error('bench announce does not parse');
      const announce = parseAnnounce(packet);
      if (!announce.ok) throw new Error('bench announce does not parse');
      return { announce, hash: packetHash(raw) };
    });
    const knownBase = heapBytes();
    for (const { announce, hash } of parsed) {
      alone.remember(announce.destinationHash, announce.publicKey, announce.appData, hash);
    }
    const knownPerEntry = (heapBytes() - knownBase) / alone.size;

    // The longest stretch the write ran without yielding: from a slice's start (the write
    // starting, or a pause ending) to its next pause.
    let sliceStart = performance.now();
    let longestSlice = 0;
    const slices: number[] = [];
    slicing.onPause = () => {
      const took = performance.now() - sliceStart;
      slices.push(took);
      longestSlice = Math.max(longestSlice, took);
    };
    slicing.onResume = () => (sliceStart = performance.now());
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const writeStart = performance.now();
    engine.stop();
    await engine.persist();
    const writeMs = performance.now() - writeStart;
    delay.disable();
    const sizesOnDisk: Record<string, number> = {};
    for (const name of [
      'known_destinations',
      'path_table.rnsnet',
      'tunnels.rnsnet',
      'packet_hashlist.rnsnet',
    ]) {
      sizesOnDisk[name] = (await stat(files.pathOf(name))).size;
    }

    const readStart = performance.now();
    const again = new TransportEngine({
      host,
      clock: systemClock,
      identity,
      knownDestinations: new KnownDestinations({ clock: systemClock }),
      storage,
    });
    await again.load();
    const restored = again.restorePaths(host.entries);
    const readMs = performance.now() - readStart;

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const lines = [
      `paths ${sizes.paths} (fed ${fed} announces with ${appDataBytes} B of app data in ${(fedMs / 1000).toFixed(1)} s), known destinations ${known.size}, hashlist ${sizes.hashlist}`,
      `heap + external growth ${mb(grown)}: ${Math.round(grown / sizes.paths)} bytes per path with its known destination`,
      `known-destinations store alone: ${Math.round(knownPerEntry)} bytes per entry (${alone.size} entries)`,
      `write all tables: ${writeMs.toFixed(0)} ms wall, longest slice ${longestSlice.toFixed(1)} ms; event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
      `files: ${Object.entries(sizesOnDisk)
        .map(([name, size]) => `${name} ${mb(size)}`)
        .join(', ')}`,
      `read all tables and restore: ${readMs.toFixed(0)} ms, ${restored} paths restored`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.argv.includes('--slices'))
      process.stdout.write(`slices (ms): ${slices.map((t) => t.toFixed(1)).join(' ')}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
