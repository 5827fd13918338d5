/**
 * A plain peer of a hub for the transport benchmarks: one TCP connection to the hub's
 * BackboneInterface on 127.0.0.1, HDLC framing both ways (src/core/hdlc), every received packet
 * handed to a callback. Sends are queued in the socket; {@link BenchPeer.drained} lets a sender
 * keep its queue short.
 */
import * as net from 'node:net';
import { HdlcDecoder, frame } from '../../src/core/hdlc';
import { parsePacket } from '../../src/protocol/packet';
import { ADDRESS_LENGTH, ADDRESS_OFFSET, HeaderType, PacketType } from '../../src/protocol/packet-constants';
import { probeAnnounce } from './trace';

/** A connected peer. */
export class BenchPeer {
  /** Frames received. */
  rxFrames = 0;
  /** Bytes received. */
  rxBytes = 0;
  /** True once the hub (or we) closed the connection. */
  closed = false;
  /** Called with every received packet (unescaped, without FLAGs). */
  onPacket: ((packet: Buffer) => void) | null = null;
  private readonly decoder = new HdlcDecoder({ unescapeInPlace: true });

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.rxBytes += chunk.length;
      this.decoder.push(chunk, (packet) => {
        this.rxFrames++;
        this.onPacket?.(packet);
      });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Connects to the hub on 127.0.0.1:`port` (bounded by `timeoutMs`). */
  static connect(port: number, timeoutMs = 10_000): Promise<BenchPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`bench: no connection to 127.0.0.1:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new BenchPeer(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Frames and sends one packet; false when the socket's queue is over its high-water mark. */
  send(packet: Uint8Array): boolean {
    return this.socket.write(frame(packet));
  }

  /** Sends bytes that are already HDLC frames. */
  sendFramed(frames: Uint8Array): boolean {
    return this.socket.write(frames);
  }

  /** Bytes queued in the socket, not yet handed to the kernel. */
  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  /** Resolves once the socket's queue has drained (at once when it is empty). */
  drained(): Promise<void> {
    if (this.socket.writableLength === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
    this.closed = true;
  }
}

/** Connects `count` peers. */
export async function connectPeers(port: number, count: number): Promise<BenchPeer[]> {
  const peers: BenchPeer[] = [];
  try {
    for (let i = 0; i < count; i++) peers.push(await BenchPeer.connect(port));
  } catch (error) {
    for (const p of peers) p.close();
    throw error;
  }
  return peers;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Learns a transport hub's id as the loadgen README describes: a fresh valid announce sent on
 * one connection comes back on another as a HEADER_2 rebroadcast whose bytes 2..17 are the hub's
 * transport id. Resolves null when no such rebroadcast arrives within `timeoutMs` (a flood relay
 * passes the announce on as it came, HEADER_1).
 */
export async function learnTransportId(port: number, timeoutMs = 15_000): Promise<Buffer | null> {
  const [sender, listener] = await connectPeers(port, 2);
  try {
    const announce = probeAnnounce();
    const parsed = parsePacket(announce);
    if (!parsed.ok) throw new Error('bench: the probe announce does not parse');
    const destination = Buffer.from(parsed.destinationHash);
    let found: Buffer | null = null;
    listener.onPacket = (packet) => {
      const p = parsePacket(packet);
      if (
        p.ok &&
        p.packetType === PacketType.ANNOUNCE &&
        p.headerType === HeaderType.HEADER_2 &&
        destination.equals(p.destinationHash)
      ) {
        found = Buffer.from(packet.subarray(ADDRESS_OFFSET, ADDRESS_OFFSET + ADDRESS_LENGTH));
      }
    };
    // Let the hub bring both peers up before the announce arrives.
    await delay(300);
    sender.send(announce);
    const deadline = Date.now() + timeoutMs;
    while (found === null && Date.now() < deadline) await delay(50);
    return found;
  } finally {
    sender.close();
    listener.close();
  }
}
