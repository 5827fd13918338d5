import net from 'node:net';
import { once } from 'node:events';
import { HdlcDecoder } from '../../../src/core/hdlc/hdlc-decoder';
import { frame } from '../../../src/core/hdlc/hdlc-frame';

/** A TCP peer on 127.0.0.1 speaking HDLC-framed packets, recording every packet it receives. */
export class LoopbackPeer {
  readonly received: Buffer[] = [];
  private readonly decoder = new HdlcDecoder();

  /** The local port of this peer's connection, as the node logs it. */
  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) =>
      this.decoder.push(chunk, (packet) => this.received.push(Buffer.from(packet))),
    );
    socket.on('error', () => undefined);
  }

  /** Connects to a Backbone server on 127.0.0.1. */
  static async connect(port: number): Promise<LoopbackPeer> {
    const socket = net.createConnection({ host: '127.0.0.1', port, noDelay: true });
    await once(socket, 'connect');
    return new LoopbackPeer(socket);
  }

  /** Sends one packet, framed. */
  send(packet: Uint8Array): void {
    this.socket.write(frame(packet));
  }

  /** How many received packets equal `packet`. */
  count(packet: Uint8Array): number {
    return this.received.filter((p) => p.equals(packet)).length;
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }
}

/** Reticulum packet context bytes used by the tests. */
export const CONTEXT_NONE = 0x00;
/** KEEPALIVE: exempt from dedup, as in Python RNS. */
export const CONTEXT_KEEPALIVE = 0xfa;

/**
 * A HEADER_1 data packet (27 bytes): flags 0x00, hops 0, a 16-byte destination hash filled with
 * `tag`, the context byte, then 8 payload bytes derived from `tag`. Distinct tags give distinct
 * packet hashes.
 */
export function testPacket(tag: number, context = CONTEXT_NONE): Buffer {
  const packet = Buffer.alloc(2 + 16 + 1 + 8);
  packet[0] = 0x00;
  packet[1] = 0;
  packet.fill(tag & 0xff, 2, 18);
  packet[18] = context;
  packet.writeUInt32BE(tag >>> 0, 19);
  packet.writeUInt32BE(0xc0ffee, 23);
  return packet;
}

/**
 * Waits until `condition` holds, checking after each turn of the event loop's I/O phase (so
 * socket data is processed in between), for at most `ms` milliseconds.
 */
export async function waitUntil(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}
