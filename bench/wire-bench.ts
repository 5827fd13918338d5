/**
 * Wire-layer benchmarks (src/protocol), in-process and bounded in time: header parse rate,
 * parse + Python-exact packet hash against a bare SHA-256 of the same bytes, announce validation
 * rate (against the Ed25519 verify ceiling), and IFAC verify-and-strip cost per frame.
 */
import { createPublicKey, hash, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
// Hot-path code imports from the defining modules: the package index re-exports through accessors.
import { AnnounceValidator } from '../src/protocol/announce-validator';
import { buildAnnounce } from '../src/protocol/announce-builder';
import { Identity } from '../src/protocol/identity';
import { InterfaceAccessCode } from '../src/protocol/ifac';
import { KnownDestinations } from '../src/protocol/known-destinations';
import { Packet, parsePacket } from '../src/protocol/packet';
import { packetHashDigest } from '../src/protocol/packet-hash';

/** One wire benchmark figure. */
export interface WireBenchResult {
  /** What was measured. */
  name: string;
  /** The figure. */
  value: number;
  /** Its unit. */
  unit: string;
  /** Context for the reader. */
  detail: string;
}

/** Options of {@link runWireBench}. */
export interface WireBenchOptions {
  /** Time spent measuring each case (a fifth more goes to warm-up). */
  timeMs: number;
}

/** Runs `batch` (which performs `perBatch` operations) for `timeMs` after a warm-up; ops/s. */
function measure(timeMs: number, perBatch: number, batch: () => void): number {
  const warmUpEnd = performance.now() + timeMs / 5;
  while (performance.now() < warmUpEnd) batch();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < timeMs) {
    batch();
    ops += perBatch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Alternates two measurements for `rounds` rounds (so load changes hit both) and returns medians. */
function measurePair(
  timeMs: number,
  perBatch: number,
  a: () => void,
  b: () => void,
  rounds = 5,
): [number, number] {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(measure(timeMs / rounds, perBatch, a));
    bs.push(measure(timeMs / rounds, perBatch, b));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  return [median(as), median(bs)];
}

/** 500-byte packets, HEADER_1 and HEADER_2 alternating, distinct payloads. */
function samplePackets(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const raw = Buffer.alloc(size);
    for (let j = 0; j < size; j++) raw[j] = (i * 131 + j * 7) & 0xff;
    raw[0] = i % 2 === 0 ? 0x00 : 0x50;
    raw[1] = i % 16;
    return raw;
  });
}

// Results go through here so the optimiser cannot drop the work.
let sink = 0;

/** Runs every wire benchmark. */
export function runWireBench(options: WireBenchOptions): WireBenchResult[] {
  const { timeMs } = options;
  const results: WireBenchResult[] = [];
  const packets = samplePackets(256, 500);
  const mask = packets.length - 1;

  let i = 0;
  // Parsed packets are kept (as a handler keeps them), so the allocation cannot be optimised away.
  const kept = new Array<unknown>(packets.length);
  const parseBatch = () => {
    for (let k = 0; k < 1024; k++) {
      const p = parsePacket(packets[i & mask]);
      kept[i++ & mask] = p;
      if (p.ok) sink += p.context + p.destinationOffset;
    }
  };
  results.push({
    name: 'wire header parse (500 B)',
    value: measure(timeMs, 1024, parseBatch),
    unit: 'packets/s',
    detail: 'parsePacket: flags, hops, addresses, context',
  });

  const bare = () => {
    for (let k = 0; k < 64; k++) sink += hash('sha256', packets[i++ & mask], 'binary').length;
  };
  const parseAndHash = () => {
    for (let k = 0; k < 64; k++) {
      const p = parsePacket(packets[i & mask]) as Packet;
      kept[i++ & mask] = p;
      sink += packetHashDigest(p.raw).length;
    }
  };
  const [bareRate, ourRate] = measurePair(timeMs * 2, 64, bare, parseAndHash);
  results.push({
    name: 'wire parse+hash / bare hash',
    value: ourRate / bareRate,
    unit: 'ratio',
    detail: `parse + packetHashDigest ${Math.round(ourRate).toLocaleString('en-US')}/s vs crypto.hash ${Math.round(bareRate).toLocaleString('en-US')}/s (500 B, latin1 digests)`,
  });

  results.push(...announceBench(timeMs));
  results.push(...ifacBench(timeMs));
  return results;
}

function announceBench(timeMs: number): WireBenchResult[] {
  const identities = Array.from({ length: 64 }, () => Identity.generate());
  const announces = identities.flatMap((identity, n) =>
    [0, 1, 2, 3].map((k) =>
      parsePacket(
        buildAnnounce({
          identity,
          appName: 'bench',
          aspects: [`d${k}`],
          appData: Buffer.from(`node ${n}`),
          ...(k === 3 ? { ratchet: Buffer.alloc(32, n) } : {}),
        }),
      ),
    ),
  ) as Packet[];
  const known = new KnownDestinations({ clock: { now: () => Date.now() } });
  const validator = new AnnounceValidator(known);
  let i = 0;
  const validate = () => {
    for (let k = 0; k < 16; k++) {
      const verdict = validator.validate(announces[i++ % announces.length]);
      if (!verdict.ok) throw new Error(`bench announce refused: ${verdict.reason}`);
    }
  };
  const message = Buffer.alloc(200, 1);
  const signer = identities[0];
  const signature = signer.sign(message);
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: signer.signingPublicKey.toString('base64url') },
    format: 'jwk',
  });
  const bareVerify = () => {
    for (let k = 0; k < 16; k++) sink += verify(null, message, key, signature) ? 1 : 0;
  };
  const [validated, ceiling] = measurePair(timeMs * 2, 16, validate, bareVerify, 3);
  return [
    {
      name: 'wire announce validation',
      value: validated,
      unit: 'announces/s',
      detail: `binding, known key, signature; 256 destinations; Ed25519 verify with a cached key: ${Math.round(ceiling).toLocaleString('en-US')}/s`,
    },
  ];
}

function ifacBench(timeMs: number): WireBenchResult[] {
  const code = InterfaceAccessCode.fromCredentials({ networkName: 'bench', passphrase: 'bench', size: 16 });
  const results: WireBenchResult[] = [];
  for (const size of [500, 8192]) {
    const frames = samplePackets(16, size).map((raw) => code.apply(raw));
    let i = 0;
    const strip = () => {
      for (let k = 0; k < 4; k++)
        if (code.verifyAndStrip(frames[i++ & 15]) === null) throw new Error('bench frame refused');
    };
    const rate = measure(timeMs, 4, strip);
    const raws = samplePackets(16, size);
    const apply = () => {
      for (let k = 0; k < 4; k++) sink += code.apply(raws[i++ & 15]).length;
    };
    const applyRate = measure(timeMs / 2, 4, apply);
    results.push({
      name: `wire IFAC verify-and-strip (${size === 500 ? '500 B' : '8 KiB'})`,
      value: 1e6 / rate,
      unit: 'us/frame',
      detail: `${Math.round(rate).toLocaleString('en-US')} frames/s; apply ${(1e6 / applyRate).toFixed(1)} us/frame (Ed25519 sign + HKDF mask)`,
    });
  }
  return results;
}

/** Keeps the sink observable. */
export function benchSink(): number {
  return sink;
}
