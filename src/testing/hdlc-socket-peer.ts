import { Server, Socket, connect } from 'node:net';
import { HDLC_FRAMING, StreamFraming } from '../core/stream-framing';
import { CompliancePeer } from './fixture';
import { PacketInbox } from './packet-inbox';

/**
 * A {@link CompliancePeer} over a TCP socket that speaks HDLC, as a Python RNS Backbone or TCP
 * peer does: `send` frames a packet, `nextPacket` deframes what the interface wrote, `pause`
 * stops reading the socket. For the compliance fixtures of stream plugins (a server's dialling
 * peer, a client's accepting server). Another framing (KISS) may be given for interfaces
 * configured with it.
 */
export function hdlcSocketPeer(socket: Socket, framing: StreamFraming = HDLC_FRAMING): CompliancePeer {
  const decoder = framing.createDecoder();
  const inbox = new PacketInbox();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: Buffer) =>
    // The decoder may reuse its buffer; keep a copy.
    decoder.push(chunk, (data) => inbox.deliver(Uint8Array.from(data))),
  );
  socket.on('error', () => undefined);
  return {
    send: (packet) =>
      new Promise<void>((resolve, reject) =>
        socket.write(frameWith(framing, packet), (err) => (err ? reject(err) : resolve())),
      ),
    nextPacket: (timeoutMs) => inbox.next(timeoutMs),
    close: async () => {
      socket.destroy();
      await closed;
    },
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
  };
}

/** Dials `host:port` and resolves with an HDLC peer once connected. */
export function dialHdlcPeer(
  host: string,
  port: number,
  framing: StreamFraming = HDLC_FRAMING,
): Promise<CompliancePeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(hdlcSocketPeer(socket, framing));
    });
  });
}

/** Resolves with an HDLC peer for the next connection `server` accepts, or rejects after `timeoutMs`. */
export function acceptHdlcPeer(
  server: Server,
  timeoutMs: number,
  framing: StreamFraming = HDLC_FRAMING,
): Promise<CompliancePeer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.off('connection', onConnection);
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnection = (socket: Socket) => {
      clearTimeout(timer);
      resolve(hdlcSocketPeer(socket, framing));
    };
    server.once('connection', onConnection);
  });
}

/** `packet` framed with `framing`, in a buffer of its own. */
function frameWith(framing: StreamFraming, packet: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(framing.framedLength(packet));
  framing.frameInto(packet, out, 0);
  return out;
}
