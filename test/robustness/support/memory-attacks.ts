/**
 * Clients for the memory-bound attacks (robustness and integration tests, hostile soak): a peer
 * that holds unfinished frames, one IP filling connection slots, a fast sender of 1 MiB packets
 * and a reader that drains at a fixed rate. Each connects from a chosen loopback address, so the
 * hub sees distinct IPs (Linux routes all of 127.0.0.0/8 to lo).
 */
import { connect, Socket } from 'node:net';
import { frame, HDLC_FLAG, HdlcDecoder } from '../../../src/core/hdlc';
import { writeAll } from './hostile-clients';

/**
 * Connects from `localAddress` to `host`:`port`. The socket reads and discards what the hub sends
 * (so it sees the hub close it; `pause()` it for a peer that never reads), and errors after
 * connecting are ignored.
 */
export function connectFrom(port: number, localAddress: string, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, localAddress, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      socket.resume();
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
 * Opens a frame and sends `bytes` bytes of it without ever closing it (a slow-loris holder that
 * reads nothing either): the hub must buffer them until the deadline or the node-wide budget
 * cuts the connection.
 */
export async function holdPartialFrame(
  port: number,
  localAddress: string,
  bytes: number,
  host = '127.0.0.1',
): Promise<Socket> {
  const socket = await connectFrom(port, localAddress, host);
  socket.pause();
  const body = Buffer.alloc(bytes + 1, 0x41);
  body[0] = HDLC_FLAG;
  await writeAll(socket, body);
  return socket;
}

/**
 * Opens `count` connections from `localAddress` at once, none of which reads (the hub's writes to
 * them pile up): one IP filling the server's slots. Connections that fail are left out.
 */
export async function fillSlots(
  port: number,
  localAddress: string,
  count: number,
  host = '127.0.0.1',
): Promise<Socket[]> {
  const sockets = await Promise.all(
    Array.from({ length: count }, () => connectFrom(port, localAddress, host).catch(() => null)),
  );
  const open = sockets.filter((s): s is Socket => s !== null);
  for (const socket of open) socket.pause();
  return open;
}

/** Marks a big packet of these tests: bytes 2..7 of its destination hash. */
const BIG_MAGIC = Buffer.from('4249475041', 'hex');

/** The last big packets built, by `seq:size`: senders and readers ask for the same ones. */
const bigPackets = new Map<string, Buffer>();
const BIG_PACKET_CACHE = 64;

/**
 * Big packet `seq` of `size` bytes: a HEADER_1 DATA packet (context NONE) whose destination
 * hash carries a marker and `seq` (distinct hashes: the relay's dedup keeps them all), filled
 * with a pattern of `seq` that holds FLAG and ESC bytes, so escaping is exercised. The caller
 * must not modify it (recent ones are cached).
 */
export function bigPacket(seq: number, size: number): Buffer {
  const key = `${seq}:${size}`;
  const cached = bigPackets.get(key);
  if (cached !== undefined) return cached;
  const packet = buildBigPacket(seq, size);
  if (bigPackets.size >= BIG_PACKET_CACHE) bigPackets.delete(bigPackets.keys().next().value as string);
  bigPackets.set(key, packet);
  return packet;
}

function buildBigPacket(seq: number, size: number): Buffer {
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

/**
 * Sends big packets `firstSeq` .. `firstSeq + count - 1` of `size` bytes as fast as the hub takes
 * them (a repeated sequence number would be a duplicate the relay drops).
 */
export async function sendBigPackets(
  socket: Socket,
  count: number,
  size: number,
  firstSeq = 0,
): Promise<void> {
  for (let seq = firstSeq; seq < firstSeq + count && !socket.destroyed; seq++) {
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
  /** Called with every packet that is not a big packet (what else the hub relayed here). */
  onOtherPacket: ((packet: Buffer) => void) | null = null;

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

  /** Connects from `localAddress` to `host` and starts reading. */
  static async connect(
    port: number,
    localAddress: string,
    bytesPerSec: number,
    host = '127.0.0.1',
  ): Promise<SteadyReader> {
    return new SteadyReader(await connectFrom(port, localAddress, host), bytesPerSec);
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
      if (seq === -1) {
        this.onOtherPacket?.(packet);
        return;
      }
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
