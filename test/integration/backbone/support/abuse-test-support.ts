import { connect, Socket } from 'node:net';
import { frame, HdlcDecoder } from '../../../../src/core/hdlc';
import { PeerStateEntry } from '../../../../src/core/peer-state';
import { TestServer } from './backbone-test-server';

/** A second loopback address: the misbehaving client, so the well-behaved one (127.0.0.1) stays apart. */
export const ATTACKER_IP = '127.0.0.2';

/** Captured at load so waits stay bounded in real time while tests install sinon fake timers. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** Opens a loopback connection from `localAddress` (resolves once connected); the caller destroys it. */
export function connectFrom(port: number, localAddress: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Starts a loopback connection from `localAddress` and returns its socket at once, errors
 * ignored: for attempts the server may refuse (a refused socket can close before or after its
 * client side saw 'connect', so only its close is awaited).
 */
export function attemptFrom(port: number, localAddress: string): Socket {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => undefined);
  return socket;
}

/** Resolves once `socket` has closed; rejects after `timeoutMs` of real time. */
export function closedWithin(socket: Socket, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.closed) return resolve();
    const timer = realSetTimeout(() => reject(new Error('socket did not close')), timeoutMs);
    socket.once('close', () => {
      realClearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Connects from `localAddress` and waits until the server admitted the connection; returns the
 * socket and the peer's dynamic interface id.
 */
export async function admittedFrom(
  server: TestServer,
  localAddress: string,
): Promise<{ socket: Socket; id: number }> {
  const socket = await connectFrom(server.port, localAddress);
  socket.on('error', () => undefined);
  const up = await server.sink.waitForDetail('peer.connected', (e) => e.port === socket.localPort);
  return { socket, id: up.peerId };
}

/** The peer-state entry of `ip`, if any. */
export function entryOf(server: TestServer, ip: string): PeerStateEntry | undefined {
  return server.state.list().find((e) => e.ip === ip);
}

/** A frame payload carrying a sequence number (long enough to pass the 19-byte minimum). */
export function sequenced(seq: number): Buffer {
  const data = Buffer.alloc(32, 0xa5);
  data.writeUInt32BE(seq, 0);
  return data;
}

/** Writes frames `from..to-1` to `socket`. */
export function writeSequenced(socket: Socket, from: number, to: number): void {
  const frames: Buffer[] = [];
  for (let seq = from; seq < to; seq++) frames.push(frame(sequenced(seq)));
  socket.write(Buffer.concat(frames));
}

/** Decodes the frames a client receives and records their sequence numbers. */
export function sequenceReceiver(socket: Socket): {
  readonly seqs: number[];
  waitFor(n: number, timeoutMs?: number): Promise<void>;
} {
  const decoder = new HdlcDecoder();
  const seqs: number[] = [];
  let waiter: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk, (f) => seqs.push(f.readUInt32BE(0)));
    waiter?.();
  });
  return {
    seqs,
    waitFor: (n, timeoutMs = 3000) =>
      new Promise<void>((resolve, reject) => {
        if (seqs.length >= n) return resolve();
        const timer = realSetTimeout(
          () => reject(new Error(`received ${seqs.length} of ${n} frames`)),
          timeoutMs,
        );
        waiter = () => {
          if (seqs.length < n) return;
          realClearTimeout(timer);
          waiter = null;
          resolve();
        };
      }),
  };
}
