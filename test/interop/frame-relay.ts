/**
 * A minimal shared-medium relay for the interop tests: a TCP server on 127.0.0.1 that decodes
 * the HDLC framing Reticulum's TCP and Backbone interfaces use and re-sends every frame,
 * unmodified, to every other connected peer (no dedup, no transport logic). It is the relay
 * semantics the rns-net node implements, in its simplest form, and it records every frame so
 * tests can state wire facts (frame sizes, packet types and contexts, byte-identical repeats).
 *
 * Test-only code: no write-stall handling, no limits beyond the decoder's bounds. It frames with
 * the project's HDLC codec (src/core/hdlc), which drops frames of 19 bytes or less as Python's
 * receive loop does; the codec itself is checked against Python's by
 * test/unit/core/hdlc/hdlc-python-interop.test.ts, so an independent copy here would add nothing.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { frame, HdlcDecoder } from '../../src/core/hdlc';

/** What the relay saw of one frame (the packet inside the HDLC framing). */
export interface RelayedFrame {
  /** Connection number the frame arrived on (1-based, in accept order). */
  from: number;
  /** Milliseconds since the relay started. */
  atMs: number;
  /** Packet length in bytes (without framing). */
  size: number;
  /** Header byte 0 bit 7: an IFAC-masked packet (its other fields are not meaningful). */
  ifac: boolean;
  /** 1 for HEADER_2 (transport id present), 0 for HEADER_1. */
  headerType: number;
  /** Bits 1..0 of byte 0: 0 data, 1 announce, 2 link request, 3 proof. */
  packetType: number;
  /** The context byte (after the address fields). */
  context: number;
  /** The hops byte. */
  hops: number;
  /** SHA-256 (hex) of the whole packet, to spot byte-identical repeats. */
  digest: string;
}

/** One accepted connection. */
export interface RelayConnection {
  /** 1-based accept order. */
  id: number;
  /** Milliseconds since the relay started. */
  connectedAtMs: number;
  /** When its first frame arrived, if any. */
  firstFrameAtMs?: number;
  /** Frames received from it. */
  frames: number;
}

/** A running frame relay. */
export class FrameRelay {
  /** Every frame relayed, in arrival order. */
  readonly frames: RelayedFrame[] = [];
  /** Every connection accepted, in order. */
  readonly connections: RelayConnection[] = [];
  private readonly sockets = new Map<number, net.Socket>();
  private readonly started = Date.now();

  private constructor(
    private readonly server: net.Server,
    /** The port it listens on (127.0.0.1). */
    readonly port: number,
  ) {}

  /** Starts a relay on 127.0.0.1 (any free port unless given). */
  static start(port = 0): Promise<FrameRelay> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const relay = new FrameRelay(server, typeof address === 'object' && address ? address.port : port);
        server.on('connection', (socket) => relay.accept(socket));
        resolve(relay);
      });
    });
  }

  /** Closes the listener and every connection. */
  stop(): Promise<void> {
    for (const socket of this.sockets.values()) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection: RelayConnection = {
      id: this.connections.length + 1,
      connectedAtMs: Date.now() - this.started,
      frames: 0,
    };
    this.connections.push(connection);
    this.sockets.set(connection.id, socket);
    const decoder = new HdlcDecoder();
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk, (packet) => this.relay(connection, packet));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(connection.id));
  }

  private relay(connection: RelayConnection, packet: Buffer): void {
    const atMs = Date.now() - this.started;
    connection.frames += 1;
    connection.firstFrameAtMs ??= atMs;
    this.frames.push(describeFrame(connection.id, atMs, packet));
    const framed = frame(packet);
    for (const [id, socket] of this.sockets) {
      if (id !== connection.id && !socket.destroyed) socket.write(framed);
    }
  }
}

/** Reads the header fields of a Reticulum packet (see the architecture spec for the layout). */
export function describeFrame(from: number, atMs: number, packet: Buffer): RelayedFrame {
  const flags = packet[0] ?? 0;
  const headerType = (flags >> 6) & 0x01;
  const contextOffset = headerType === 1 ? 34 : 18;
  return {
    from,
    atMs,
    size: packet.length,
    ifac: (flags & 0x80) !== 0,
    headerType,
    packetType: flags & 0x03,
    context: packet[contextOffset] ?? -1,
    hops: packet[1] ?? 0,
    digest: createHash('sha256').update(packet).digest('hex'),
  };
}
