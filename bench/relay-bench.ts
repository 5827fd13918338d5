/**
 * In-process relay benchmarks: the dedup cache, the packet keyer and the relay's fan-out, each
 * run for a bounded time. Writers are no-ops, so the figures are the relay's own cost per frame,
 * the ceiling for a socket-level relay.
 */
import { performance } from 'node:perf_hooks';
import { Clock, Timer } from '../src/core/clock';
import { InterfaceEntry } from '../src/core/driver/interface-entry';
import { emptyInterfaceStats } from '../src/core/driver/interface-stats';
import { OPEN_INTERFACE } from '../src/core/frame-authenticator';
import { DEFAULT_INGRESS_CONTROL } from '../src/core/ingress-control';
import { makeInterfaceInfo } from '../src/core/interface-info';
import { InterfaceMode } from '../src/core/interface-mode';
import { WriteOutcome } from '../src/core/writer';
import { DedupCache, PacketKeyHasher, Relay, RelayHost } from '../src/node/relay';

/** One benchmark result. */
export interface RelayBenchResult {
  /** What was measured. */
  name: string;
  /** Operations per second (frames for the relay, calls otherwise). */
  opsPerSec: number;
}

/** Options of {@link runRelayBench}. */
export interface RelayBenchOptions {
  /** Time spent measuring each case (a fifth more goes to warm-up). */
  timeMs: number;
}

const BATCH = 1024;
const PACKET_SIZE = 500;
const FAN_OUT = 9;

/** A clock that only reads time; the relay never sets timers. */
const benchClock: Clock = {
  now: () => Date.now(),
  setTimeout(): Timer {
    throw new Error('not used');
  },
  setInterval(): Timer {
    throw new Error('not used');
  },
};

/** Runs `batch` (which performs BATCH operations) until `timeMs` has passed; returns ops/s. */
function measure(timeMs: number, batch: () => void): number {
  const warmUpEnd = performance.now() + timeMs / 5;
  while (performance.now() < warmUpEnd) batch();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < timeMs) {
    batch();
    ops += BATCH;
    now = performance.now();
  }
  return Math.round((ops * 1000) / (now - start));
}

function makeEntry(id: number, host: { accepted: number }): InterfaceEntry {
  return {
    id,
    info: makeInterfaceInfo({
      id,
      name: `bench/${id}`,
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
    }),
    typeName: 'BenchInterface',
    online: true,
    dynamic: false,
    parentId: null,
    writer: {
      send(): WriteOutcome {
        host.accepted++;
        return 'accepted';
      },
    },
    stats: emptyInterfaceStats(),
    authenticator: OPEN_INTERFACE,
  };
}

/** 500-byte HEADER_1 data packets; `stamp` makes each one distinct so dedup never drops. */
function packetPool(): Buffer[] {
  const pool: Buffer[] = [];
  for (let i = 0; i < BATCH; i++) {
    const packet = Buffer.alloc(PACKET_SIZE, i & 0xff);
    packet[0] = 0x00;
    packet[1] = 0x00;
    packet[18] = 0x00;
    pool.push(packet);
  }
  return pool;
}

function stamp(packet: Buffer, value: number): void {
  packet.writeUInt32LE(value >>> 0, 19);
}

/**
 * Measures the dedup cache (distinct keys, so it fills and rotates as under load), the packet
 * keyer on 500-byte packets, and `Relay.handle` fanning 500-byte frames out to 9 entries with
 * no-op writers (the deliveries/s figure is 9x the frames/s).
 */
export async function runRelayBench(
  options: RelayBenchOptions,
): Promise<Array<{ name: string; opsPerSec: number }>> {
  const results: RelayBenchResult[] = [];
  const timeMs = options.timeMs;

  const cache = new DedupCache({ clock: benchClock, ttlMs: 30_000, maxEntries: 1_048_576 });
  let key = 0;
  results.push({
    name: 'dedup-cache checkAndAdd (distinct keys)',
    opsPerSec: measure(timeMs, () => {
      for (let i = 0; i < BATCH; i++) {
        key++;
        cache.checkAndAdd(key, Math.imul(key, 0x9e3779b1));
      }
    }),
  });
  await yieldToLoop();

  const pool = packetPool();
  const keys = new PacketKeyHasher();
  let counter = 0;
  results.push({
    name: 'packet key (SHA-256, 500 B)',
    opsPerSec: measure(timeMs, () => {
      for (let i = 0; i < BATCH; i++) {
        const packet = pool[i];
        stamp(packet, counter++);
        keys.keyPacket(packet);
      }
    }),
  });
  await yieldToLoop();

  const sink = { accepted: 0 };
  const entries: InterfaceEntry[] = [];
  for (let i = 0; i <= FAN_OUT; i++) entries.push(makeEntry(i + 1, sink));
  const host: RelayHost = {
    onlineInterfaces: () => entries,
    transmit: (entry, packet) => {
      const outcome = entry.writer ? entry.writer.send(packet) : 'offline';
      if (outcome === 'accepted') {
        entry.stats.txPackets++;
        entry.stats.txBytes += packet.length;
      }
      return outcome;
    },
  };
  const relay = new Relay(host, { clock: benchClock });
  const source = entries[0];
  const framesPerSec = measure(timeMs, () => {
    for (let i = 0; i < BATCH; i++) {
      const packet = pool[i];
      stamp(packet, counter++);
      relay.handle(source, packet);
    }
  });
  if (relay.counters.duplicatesDropped !== 0) throw new Error('bench packets were not distinct');
  results.push({ name: `relay handle, 1 -> ${FAN_OUT} (frames)`, opsPerSec: framesPerSec });
  results.push({ name: `relay handle, 1 -> ${FAN_OUT} (deliveries)`, opsPerSec: framesPerSec * FAN_OUT });
  return results;
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

if (require.main === module) {
  const timeMs = Number(process.argv[2] ?? 2000);
  runRelayBench({ timeMs }).then(
    (results) => {
      for (const r of results)
        console.log(`${r.name.padEnd(44)} ${r.opsPerSec.toLocaleString('en-US').padStart(14)} ops/s`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
