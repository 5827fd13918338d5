/**
 * In-process micro-benchmark of the HDLC codec (issue 6 targets: decode >= 2 GB/s and encode
 * >= 1.5 GB/s on 500-byte packets without escapes).
 *
 * Plain loops bounded by time (no benchmark library): each case warms up, then runs batches
 * until `timeMs` has elapsed. Throughput counts packet payload bytes for encode and wire bytes
 * for decode, in decimal megabytes (1 MB = 10^6 bytes).
 *
 * Quick check:
 * `node -r ts-node/register/transpile-only -e "require('./bench/hdlc-bench').runHdlcBench({timeMs:1000}).then(console.log)"`
 */
import { HdlcDecoder, frame, frameInto } from '../src/core/hdlc';

/** One measured case of {@link runHdlcBench}. */
export interface HdlcBenchResult {
  /** What was measured. */
  name: string;
  /** Packets framed, or frames decoded, per second. */
  opsPerSec: number;
  /** Bytes processed per second, in MB (10^6 bytes). */
  mbPerSec: number;
}

/** Options of {@link runHdlcBench}. */
export interface HdlcBenchOptions {
  /** Measuring time per case in milliseconds (a short warm-up comes on top). */
  timeMs: number;
}

const PACKET_SIZE = 500;
const CHUNK_SIZE = 64 * 1024;

/** A packet of pseudo-random bytes with no FLAG (0x7e) and no ESC (0x7d), so nothing escapes. */
function packetWithoutEscapes(seed: number): Buffer {
  const packet = Buffer.allocUnsafe(PACKET_SIZE);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < PACKET_SIZE; i++) {
    // xorshift32: deterministic bytes without pulling in a RNG dependency.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const byte = state & 0xff;
    packet[i] = byte === 0x7e || byte === 0x7d ? 0x00 : byte;
  }
  return packet;
}

/**
 * Runs `batch` repeatedly for about `timeMs` (after a warm-up) and returns how many units it
 * processed per second; `batch` returns the number of units it processed.
 */
function measure(timeMs: number, batch: () => number): number {
  const warmUpEnd = performance.now() + Math.min(200, timeMs / 4);
  while (performance.now() < warmUpEnd) batch();
  let units = 0;
  const start = performance.now();
  const end = start + timeMs;
  let now = start;
  while (now < end) {
    units += batch();
    now = performance.now();
  }
  return (units * 1000) / (now - start);
}

/**
 * Measures HDLC encode and decode throughput on 500-byte packets without escapes.
 *
 * @param options - measuring time per case
 * @returns one result per case: `frame()` encode, `frameInto()` batch encode, and decode of
 *   64 KiB chunks holding back-to-back 500-byte frames (frames split across chunk boundaries
 *   included, as on a real socket)
 */
export async function runHdlcBench(options: HdlcBenchOptions): Promise<HdlcBenchResult[]> {
  const timeMs = options.timeMs;
  const packets = Array.from({ length: 64 }, (_, i) => packetWithoutEscapes(i + 1));
  const results: HdlcBenchResult[] = [];
  let sink = 0;

  // Encode: one frame() per packet.
  const framesPerSec = measure(timeMs, () => {
    for (let i = 0; i < 1024; i++) sink += frame(packets[i & 63]).length;
    return 1024;
  });
  results.push({
    name: `encode frame() ${PACKET_SIZE} B packets`,
    opsPerSec: framesPerSec,
    mbPerSec: (framesPerSec * PACKET_SIZE) / 1e6,
  });

  // Encode: frameInto() batching many frames into one buffer, as the backbone writer does.
  const batchBuffer = Buffer.allocUnsafe(CHUNK_SIZE);
  const perBatch = Math.floor(CHUNK_SIZE / (PACKET_SIZE + 2));
  const intoPerSec = measure(timeMs, () => {
    let offset = 0;
    for (let i = 0; i < perBatch; i++) offset += frameInto(packets[i & 63], batchBuffer, offset);
    sink += offset;
    return perBatch;
  });
  results.push({
    name: `encode frameInto() ${PACKET_SIZE} B packets, ${CHUNK_SIZE / 1024} KiB batches`,
    opsPerSec: intoPerSec,
    mbPerSec: (intoPerSec * PACKET_SIZE) / 1e6,
  });

  // Decode: a continuous stream of frames cut into 64 KiB chunks. The stream is one period of
  // frame size vs chunk size (502 x 65536 bytes share only a factor 2), so cycling through the
  // chunks is an endless, seamless stream.
  const framed = packets.map((p) => frame(p));
  const frameSize = PACKET_SIZE + 2;
  const periodFrames = CHUNK_SIZE / 2;
  const stream = Buffer.allocUnsafe(periodFrames * frameSize);
  for (let i = 0; i < periodFrames; i++) framed[i & 63].copy(stream, i * frameSize);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += CHUNK_SIZE) {
    chunks.push(stream.subarray(offset, offset + CHUNK_SIZE));
  }
  const decoder = new HdlcDecoder();
  let decodedFrames = 0;
  const onFrame = (f: Buffer): void => {
    decodedFrames++;
    sink += f.length;
  };
  let next = 0;
  const chunksPerSec = measure(timeMs, () => {
    for (let i = 0; i < 16; i++) {
      decoder.push(chunks[next], onFrame);
      next = next + 1 === chunks.length ? 0 : next + 1;
    }
    return 16;
  });
  const framesPerChunk = CHUNK_SIZE / frameSize;
  results.push({
    name: `decode push() ${CHUNK_SIZE / 1024} KiB chunks of ${PACKET_SIZE} B frames`,
    opsPerSec: chunksPerSec * framesPerChunk,
    mbPerSec: (chunksPerSec * CHUNK_SIZE) / 1e6,
  });

  if (decodedFrames === 0 || decoder.stats.droppedShort + decoder.stats.overflows > 0 || sink === 0) {
    throw new Error('hdlc bench: decoder did not decode the stream cleanly');
  }
  return results;
}
