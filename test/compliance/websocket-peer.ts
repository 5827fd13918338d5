import { once } from 'node:events';
import WebSocket, { ClientOptions, WebSocketServer } from 'ws';
import { CompliancePeer, PacketInbox } from '../../src/testing';

/**
 * A {@link CompliancePeer} over a `ws` WebSocket, as a web page or MeshChat would be: `send` is
 * one binary message per packet, `nextPacket` the next binary message the interface sent.
 */
export function webSocketPeer(ws: WebSocket): CompliancePeer {
  const inbox = new PacketInbox('message');
  const closed =
    ws.readyState === WebSocket.CLOSED
      ? Promise.resolve()
      : new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer) => inbox.deliver(Uint8Array.from(data)));
  ws.on('error', () => undefined);
  return {
    send: (packet) =>
      new Promise<void>((resolve, reject) =>
        ws.send(packet, { binary: true }, (err) => (err ? reject(err) : resolve())),
      ),
    nextPacket: (timeoutMs) => inbox.next(timeoutMs),
    close: async () => {
      ws.terminate();
      await closed;
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
}

/** Opens a WebSocket to `url` and resolves with a peer once open. */
export async function dialWebSocketPeer(url: string, options: ClientOptions = {}): Promise<CompliancePeer> {
  const ws = new WebSocket(url, options);
  await once(ws, 'open');
  return webSocketPeer(ws);
}

/** Resolves with a peer for the next WebSocket `server` accepts, or rejects after `timeoutMs`. */
export function acceptWebSocketPeer(server: WebSocketServer, timeoutMs: number): Promise<CompliancePeer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.off('connection', onConnection);
      reject(new Error(`no WebSocket connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnection = (ws: WebSocket) => {
      clearTimeout(timer);
      resolve(webSocketPeer(ws));
    };
    server.once('connection', onConnection);
  });
}
