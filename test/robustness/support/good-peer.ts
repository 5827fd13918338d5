/**
 * A well-behaved HDLC peer for the robustness tests: it streams unique, valid Reticulum packets
 * to a hub and checks every packet it receives, so a test can prove that nothing sent by one
 * good peer was lost, duplicated or corrupted on its way to another while the hub is attacked.
 */
import { connect, Socket } from 'node:net';
import { createHistogram, performance, RecordableHistogram } from 'node:perf_hooks';
import { frame, HdlcDecoder } from '../../../src/core/hdlc';

/** Send times are kept for the last this many packets of each peer (a ring, 8 MiB). */
const SENT_AT_RING = 1 << 20;

/**
 * Marks a good peer's packet: the first 6 bytes of its destination hash. Hostile traffic is
 * random or crafted without it (a random frame matches with probability 2^-48).
 */
export const GOOD_MAGIC = Buffer.from('524f42555354', 'hex');

/** Offset of the sender id byte (after flags, hops and the magic). */
const SENDER_OFFSET = 2 + GOOD_MAGIC.length;
/** Offset of the 32-bit sequence number. */
const SEQ_OFFSET = SENDER_OFFSET + 1;
/** Offset of the context byte of a HEADER_1 packet. */
const CONTEXT_OFFSET = 18;

/**
 * Good packet `seq` of `sender`: a HEADER_1 DATA packet (flags 0x00, hops 0, context NONE) of
 * 100..500 bytes whose destination hash holds the magic, the sender and the sequence number, so
 * every packet has a distinct Reticulum packet hash and the relay's dedup never drops one. The
 * payload is derived from (sender, seq) and includes FLAG and ESC bytes, so framing is exercised.
 */
export function goodPacket(sender: number, seq: number): Buffer {
  const length = 100 + ((seq * 37 + sender * 11) % 401);
  const packet = Buffer.allocUnsafe(length);
  packet[0] = 0x00;
  packet[1] = 0x00;
  GOOD_MAGIC.copy(packet, 2);
  packet[SENDER_OFFSET] = sender;
  packet.writeUInt32BE(seq, SEQ_OFFSET);
  packet.fill(0, SEQ_OFFSET + 4, CONTEXT_OFFSET + 1);
  for (let i = CONTEXT_OFFSET + 1; i < length; i++) packet[i] = (seq + i * (sender | 1)) & 0xff;
  return packet;
}

/** Resolves once `condition` holds, checking every event-loop turn; rejects after `limitMs`. */
export async function until(condition: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** What one good peer got from another. */
export interface DeliveryReport {
  /** Packets the sender sent. */
  readonly sent: number;
  /** Distinct packets of the sender received. */
  readonly received: number;
  /** Packets received more than once (extra copies). */
  readonly duplicates: number;
}

/** A well-behaved peer connected to a hub. */
export class GoodPeer {
  /** Good packets sent so far. */
  sent = 0;
  /** Received packets that carry the magic but differ from what their sender sent. */
  corrupt = 0;
  /** Received frames without the magic (hostile traffic the hub relayed, as it should). */
  foreign = 0;
  /** Received copies of this peer's own packets (the relay must never echo). */
  echoed = 0;
  /** Set when the socket closed before {@link close} was called. */
  unexpectedClose = false;
  /**
   * Delivery delay of the good packets received here, in microseconds: from the moment their
   * sender handed them to its socket to their decoding here (both peers in this process).
   */
  readonly delayUs: RecordableHistogram = createHistogram();

  /** Connected peers by sender id, so a receiver finds a packet's send time. */
  private static readonly bySender = new Map<number, GoodPeer>();
  private readonly sentAt = new Float64Array(SENT_AT_RING);

  private readonly decoder = new HdlcDecoder();
  /** sender -> seq -> copies received. */
  private readonly copies = new Map<number, Map<number, number>>();
  private streaming = false;
  private pump: Promise<void> = Promise.resolve();
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    /** This peer's sender id (1..255), unique per hub. */
    readonly sender: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk, this.onPacket));
    socket.on('error', () => undefined);
    GoodPeer.bySender.set(sender, this);
    socket.once('close', () => {
      if (!this.closing) this.unexpectedClose = true;
      if (GoodPeer.bySender.get(sender) === this) GoodPeer.bySender.delete(sender);
    });
  }

  /** Connects to `port` on `host` (loopback). */
  static connect(port: number, sender: number, host = '127.0.0.1'): Promise<GoodPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new GoodPeer(socket, sender));
      });
    });
  }

  /**
   * Sends good packets continuously, `perTick` about every millisecond (a steady load that
   * leaves the hub time for the attack), honouring backpressure, until {@link stopStreaming} or
   * until `maxPackets` were sent.
   */
  startStreaming(maxPackets = 100_000, perTick = 10): void {
    if (this.streaming) return;
    this.streaming = true;
    this.pump = this.run(maxPackets, perTick);
  }

  /** Stops streaming; resolves once the last write was handed to the socket. */
  async stopStreaming(): Promise<number> {
    this.streaming = false;
    await this.pump;
    return this.sent;
  }

  /** Sends `count` good packets at once (one write). */
  sendBurst(count: number): void {
    const frames: Buffer[] = [];
    const now = performance.now();
    for (let i = 0; i < count; i++) {
      this.sentAt[this.sent % SENT_AT_RING] = now;
      frames.push(frame(goodPacket(this.sender, this.sent++)));
    }
    this.socket.write(Buffer.concat(frames));
  }

  /** The local port of this peer's connection (how the hub names it). */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.socket.closed;
  }

  /** Distinct packets received from `sender`. */
  receivedFrom(sender: number): number {
    return this.copies.get(sender)?.size ?? 0;
  }

  /**
   * Waits until every packet `other` sent before this call has arrived here (a fixed target:
   * `other` may still be streaming).
   */
  async waitForAllFrom(other: GoodPeer, limitMs = 8000): Promise<void> {
    const target = other.sent;
    await until(
      () => this.countFrom(other.sender, target) >= target,
      `peer ${this.sender} to receive ${target} packets of peer ${other.sender}`,
      limitMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (has ${this.countFrom(other.sender, target)})`);
    });
  }

  /** Distinct packets received from `sender` with a sequence number below `limit`. */
  private countFrom(sender: number, limit: number): number {
    const seen = this.copies.get(sender);
    if (seen === undefined) return 0;
    if (seen.size === limit) return limit;
    let count = 0;
    for (const seq of seen.keys()) if (seq < limit) count++;
    return count;
  }

  /** What arrived here from `other`. */
  reportFrom(other: GoodPeer): DeliveryReport {
    const seen = this.copies.get(other.sender) ?? new Map<number, number>();
    let duplicates = 0;
    let received = 0;
    for (const [seq, count] of seen) {
      if (seq < other.sent) received++;
      duplicates += count - 1;
    }
    return { sent: other.sent, received, duplicates };
  }

  /** Closes the connection; resolves once closed. */
  close(): Promise<void> {
    this.closing = true;
    this.streaming = false;
    return new Promise((resolve) => {
      if (this.socket.closed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private async run(maxPackets: number, perTick: number): Promise<void> {
    while (this.streaming && this.sent < maxPackets && !this.socket.destroyed) {
      const frames: Buffer[] = [];
      const now = performance.now();
      for (let i = 0; i < perTick && this.sent < maxPackets; i++) {
        this.sentAt[this.sent % SENT_AT_RING] = now;
        frames.push(frame(goodPacket(this.sender, this.sent++)));
      }
      if (!this.socket.write(Buffer.concat(frames))) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            this.socket.off('drain', done);
            this.socket.off('close', done);
            resolve();
          };
          this.socket.on('drain', done);
          this.socket.on('close', done);
        });
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    this.streaming = false;
  }

  private readonly onPacket = (packet: Buffer): void => {
    if (packet.length <= SEQ_OFFSET + 4 || !packet.subarray(2, SENDER_OFFSET).equals(GOOD_MAGIC)) {
      this.foreign++;
      return;
    }
    const sender = packet[SENDER_OFFSET];
    const seq = packet.readUInt32BE(SEQ_OFFSET);
    if (!packet.equals(goodPacket(sender, seq))) {
      this.corrupt++;
      return;
    }
    if (sender === this.sender) this.echoed++;
    const from = GoodPeer.bySender.get(sender);
    if (from !== undefined && from.sent - seq <= SENT_AT_RING) {
      this.delayUs.record(
        Math.max(1, Math.round((performance.now() - from.sentAt[seq % SENT_AT_RING]!) * 1000)),
      );
    }
    let seen = this.copies.get(sender);
    if (seen === undefined) {
      seen = new Map();
      this.copies.set(sender, seen);
    }
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
  };
}
