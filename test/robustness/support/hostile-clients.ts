/**
 * Hostile loopback clients for the robustness tests and the hostile soak: each attack connects to
 * a hub, sends what a broken or malicious peer would, and resolves once its connections closed.
 * Payloads come from a seeded generator so a failing run can be replayed.
 */
import { connect, Socket } from 'node:net';
import { HW_MTU } from '../../../src/core/constants';
import { frame, HDLC_ESC, HDLC_FLAG } from '../../../src/core/hdlc';

/** A seeded pseudo-random generator (mulberry32): fast, reproducible, not cryptographic. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in `[min, max]`. */
  int(min: number, max: number): number {
    return min + (this.nextUint32() % (max - min + 1));
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let i = 0;
    for (; i + 4 <= length; i += 4) out.writeUInt32LE(this.nextUint32(), i);
    for (; i < length; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }
}

/** Replaces every FLAG byte of `data` (in place) so it cannot delimit a frame. */
function withoutFlags(data: Buffer): Buffer {
  for (let i = data.indexOf(HDLC_FLAG); i !== -1; i = data.indexOf(HDLC_FLAG, i + 1)) data[i] = 0x00;
  return data;
}

/** Random bytes; with `flags` false no byte is a FLAG (the decoder must discard all of it). */
export function randomGarbage(rng: SeededRandom, length: number, flags: boolean): Buffer {
  const data = rng.bytes(length);
  return flags ? data : withoutFlags(data);
}

/** An opening FLAG followed by `length` bytes that never close the frame (ESCs included). */
export function unterminatedFrame(rng: SeededRandom, length: number): Buffer {
  const data = withoutFlags(rng.bytes(length + 1));
  data[0] = HDLC_FLAG;
  return data;
}

/**
 * A complete frame whose body is `length` bytes without FLAG or ESC: over `hwMtu` it must be
 * dropped whole (up to `2 × hwMtu` it is buffered first, beyond that the decoder overflows).
 */
export function oversizedFrame(length: number): Buffer {
  const data = Buffer.alloc(length + 2, 0x41);
  data[0] = HDLC_FLAG;
  data[length + 1] = HDLC_FLAG;
  return data;
}

/** An oversized frame made of escape pairs: `pairs` × `7D 5E` (unescapes to `pairs` bytes). */
export function escapedOversizedFrame(pairs: number): Buffer {
  const data = Buffer.allocUnsafe(2 * pairs + 2);
  for (let i = 1; i < data.length - 1; i += 2) {
    data[i] = HDLC_ESC;
    data[i + 1] = 0x5e;
  }
  data[0] = HDLC_FLAG;
  data[data.length - 1] = HDLC_FLAG;
  return data;
}

/** `count` frames of 1..19 bytes each (all too short: every one must be dropped). */
export function tinyFrames(rng: SeededRandom, count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(frame(withoutFlags(rng.bytes(rng.int(1, 19)))));
  return Buffer.concat(parts);
}

/** The first half of a framed valid-looking packet of `length` bytes (no closing FLAG). */
export function halfFrame(rng: SeededRandom, length: number): Buffer {
  const framed = frame(rng.bytes(length));
  return framed.subarray(0, Math.max(2, framed.length >> 1));
}

/** A valid-looking foreign packet (random HEADER_1 DATA, distinct hash), framed. */
export function foreignFrame(rng: SeededRandom, length: number): Buffer {
  const packet = rng.bytes(length);
  packet[0] = 0x00;
  packet[1] = 0x00;
  packet[18] = 0x00;
  return frame(packet);
}

/** `count` distinct valid-looking foreign packets of `length` bytes, framed back to back. */
export function foreignFrames(rng: SeededRandom, count: number, length: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, () => foreignFrame(rng, length)));
}

/** Opens a hostile connection that reads and discards whatever the hub relays to it. */
export function connectHostile(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.on('data', () => undefined);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // Resets and refusals are expected when the hub drops an attacker.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** Writes `data` in `chunkSize` pieces, waiting for 'drain'; stops early if the socket closes. */
export async function writeAll(socket: Socket, data: Buffer, chunkSize = 64 * 1024): Promise<void> {
  for (let offset = 0; offset < data.length && !socket.destroyed; offset += chunkSize) {
    if (!socket.write(data.subarray(offset, offset + chunkSize))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}

/** Bound on a graceful close: a hub that never answers our FIN gets a destroy after this. */
const GRACEFUL_CLOSE_LIMIT_MS = 10_000;

/**
 * Ends the connection and resolves once closed. Gracefully by default: sends FIN and keeps
 * reading until the hub closes its side, because closing a socket with unread received data
 * makes the kernel send RST, and an RST discards whatever the hub had not read yet (the attack
 * would then not be delivered in full). With `reset`, aborts at once with RST.
 */
export function closeSocket(socket: Socket, reset = false): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) return resolve();
    const limit = setTimeout(() => socket.destroy(), GRACEFUL_CLOSE_LIMIT_MS);
    socket.once('close', () => {
      clearTimeout(limit);
      resolve();
    });
    socket.resume();
    if (reset) socket.resetAndDestroy();
    else socket.end();
  });
}

/** Connects, sends `data` with backpressure, then closes. */
export async function sendAndClose(port: number, data: Buffer, host = '127.0.0.1'): Promise<void> {
  const socket = await connectHostile(port, host);
  await writeAll(socket, data);
  await closeSocket(socket);
}

/** A connection that never reads: the hub's writes to it pile up until it is dropped. */
export function connectNeverReader(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.pause();
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** What a churn run did. */
export interface ChurnResult {
  /** Connections opened. */
  readonly opened: number;
  /** Of those, connections that sent garbage before closing. */
  readonly withGarbage: number;
  /** Of those, connections closed with a reset (RST) instead of a FIN. */
  readonly reset: number;
}

/**
 * Opens and closes `connections` connections, `concurrency` at a time: some close at once, some
 * reset, some send random garbage, half frames or valid foreign frames before closing.
 */
export async function churn(
  port: number,
  rng: SeededRandom,
  connections: number,
  concurrency = 25,
  host = '127.0.0.1',
): Promise<ChurnResult> {
  let next = 0;
  let withGarbage = 0;
  let reset = 0;
  const one = async (): Promise<void> => {
    const socket = await connectHostile(port, host);
    const action = rng.int(0, 4);
    let garbage: Buffer | null = null;
    if (action === 1) garbage = randomGarbage(rng, rng.int(1, 4096), true);
    else if (action === 2) garbage = halfFrame(rng, rng.int(20, 800));
    else if (action === 3) garbage = foreignFrame(rng, rng.int(20, 400));
    if (garbage !== null) {
      withGarbage++;
      socket.write(garbage);
    }
    const useReset = rng.int(0, 3) === 0;
    if (useReset) reset++;
    await closeSocket(socket, useReset);
  };
  const worker = async (): Promise<void> => {
    while (next < connections) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, connections) }, worker));
  return { opened: connections, withGarbage, reset };
}

/** Twice the hardware MTU: the most one peer's decoder may buffer. */
export const DECODER_BOUND = 2 * HW_MTU;
