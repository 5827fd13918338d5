/**
 * Clients for the memory-bound attacks (robustness and integration tests, hostile soak): a peer
 * that holds unfinished frames, one IP filling connection slots, a fast sender of 1 MiB packets
 * and a reader that drains at a fixed rate. Each connects from a chosen loopback address, so the
 * hub sees distinct IPs (Linux routes all of 127.0.0.0/8 to lo).
 */
import { connect, Socket } from 'node:net';
import { frame, HDLC_FLAG, HdlcDecoder } from '../../../src/core/hdlc';
import { writeAll } from './hostile-clients';

/** Connects from `localAddress` to 127.0.0.1:`port`; errors after connecting are ignored. */
export function connectFrom(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** Resolves once `socket` has closed (at once if it has). */
export function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/**
 * Opens a frame and sends `bytes` bytes of it without ever closing it (a slow-loris holder): the
 * hub must buffer them until the deadline or the node-wide budget cuts the connection.
 */
export async function holdPartialFrame(port: number, localAddress: string, bytes: number): Promise<Socket> {
  const socket = await connectFrom(port, localAddress);
  const body = Buffer.alloc(bytes + 1, 0x41);
  body[0] = HDLC_FLAG;
  await writeAll(socket, body);
  return socket;
}

/**
 * Opens connections from `localAddress` until the hub refuses one (it closes it at once) or
 * `limit` were tried; returns the sockets the hub kept and how many it refused.
 */
export async function fillSlots(
  port: number,
  localAddress: string,
  limit: number,
): Promise<{ open: Socket[]; refused: number }> {
  const sockets = await Promise.all(
    Array.from({ length: limit }, () => connectFrom(port, localAddress).catch(() => null)),
  );
  // A refused connection is accepted by the kernel, then closed by the hub.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const open = sockets.filter((s): s is Socket => s !== null && !s.closed && !s.readableEnded);
  return { open, refused: limit - open.length };
}

/** Marks a big packet of these tests: bytes 2..7 of its destination hash. */
const BIG_MAGIC = Buffer.from('4249475041', 'hex');

/**
 * Big packet `seq` of `size` bytes: a HEADER_1 DATA packet (context NONE) whose destination
 * hash carries a marker and `seq` (distinct hashes: the relay's dedup keeps them all), filled
 * with a pattern of `seq` that holds FLAG and ESC bytes, so escaping is exercised.
 */
export function bigPacket(seq: number, size: number): Buffer {
  const packet = Buffer.allocUnsafe(size);
  packet[0] = 0x00;
  packet[1] = 0x00;
  BIG_MAGIC.copy(packet, 2);
  packet.writeUInt32BE(seq, 7);
  packet.fill(0, 11, 19);
  for (let i = 19; i < size; i++) packet[i] = (seq * 7 + i) & 0xff;
  return packet;
}

/** The sequence number of a big packet, or -1 when `packet` is not one. */
function bigSeq(packet: Buffer): number {
  if (packet.length < 19 || !packet.subarray(2, 7).equals(BIG_MAGIC)) return -1;
  return packet.readUInt32BE(7);
}

/** Sends `count` big packets of `size` bytes as fast as the hub takes them. */
export async function sendBigPackets(socket: Socket, count: number, size: number): Promise<void> {
  for (let seq = 0; seq < count && !socket.destroyed; seq++) {
    await writeAll(socket, frame(bigPacket(seq, size)), 256 * 1024);
  }
}

/**
 * A peer that reads what the hub sends at `bytesPerSec` (never faster, and steadily: it pauses
 * the socket whenever it is ahead of the rate), decodes it, and checks every big packet.
 */
export class SteadyReader {
  /** Bytes read so far. */
  bytes = 0;
  /** Intact big packets received. */
  bigPackets = 0;
  /** Big packets whose content was not what was sent. */
  corrupt = 0;
  /** Big packets that arrived out of order (the hub may drop, never reorder). */
  outOfOrder = 0;
  /** Set when the hub closed the connection. */
  closedByHub = false;

  private readonly decoder = new HdlcDecoder();
  /** When the bytes read so far are due at the rate (never behind now: no catch-up bursts). */
  private dueAt = Date.now();
  private lastSeq = -1;
  private resumeTimer: NodeJS.Timeout | null = null;
  private closing = false;

  private constructor(
    readonly socket: Socket,
    private readonly bytesPerSec: number,
  ) {
    socket.on('data', this.onData);
    socket.once('close', () => {
      if (!this.closing) this.closedByHub = true;
      if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    });
  }

  /** Connects from `localAddress` and starts reading. */
  static async connect(port: number, localAddress: string, bytesPerSec: number): Promise<SteadyReader> {
    return new SteadyReader(await connectFrom(port, localAddress), bytesPerSec);
  }

  /** Closes the connection. */
  close(): Promise<void> {
    this.closing = true;
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    this.socket.destroy();
    return whenClosed(this.socket);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    this.decoder.push(chunk, (packet) => {
      const seq = bigSeq(packet);
      if (seq === -1) return;
      if (!packet.equals(bigPacket(seq, packet.length))) this.corrupt++;
      else this.bigPackets++;
      if (seq <= this.lastSeq) this.outOfOrder++;
      this.lastSeq = seq;
    });
    const now = Date.now();
    this.dueAt = Math.max(this.dueAt, now) + (chunk.length / this.bytesPerSec) * 1000;
    const ahead = this.dueAt - now;
    if (ahead > 1 && this.resumeTimer === null) {
      this.socket.pause();
      this.resumeTimer = setTimeout(() => {
        this.resumeTimer = null;
        this.socket.resume();
      }, ahead);
    }
  };
}
