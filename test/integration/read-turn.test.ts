import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { BufferBudgets } from '../../src/core/buffer-budgets';
import { systemClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { DEFAULT_ABUSE_SETTINGS } from '../../src/net/abuse/abuse-settings';
import { ClientConnection } from '../../src/net/client/client-connection';
import { ReadTurn } from '../../src/net/read-turn';
import { FlushQueue } from '../../src/net/server/flush-queue';
import { StreamPeer } from '../../src/net/server/stream-peer';
import { MessageDrops, WebSocketConnection } from '../../src/plugins/websocket/websocket-connection';
import { WebSocketServer } from 'ws';
import { TEST_STREAM_LINK } from '../helpers/stream-link';
import { waitUntil } from './node/loopback-peer';

const COUNT = 4_000;

/**
 * Sends COUNT HDLC frames of 500 bytes (sequence number at offset 2), 2 MB in all, at once:
 * `connect PORT` dials and sends; `listen` prints its port and sends to whoever connects.
 */
const SENDER = `
const [mode, port] = process.argv.slice(1);
const parts = [];
for (let i = 0; i < ${COUNT}; i++) {
  const packet = Buffer.alloc(500, 0x11);
  packet.writeUInt32BE(i, 2);
  const body = [];
  for (const b of packet) {
    if (b === 0x7e || b === 0x7d) body.push(0x7d, b ^ 0x20);
    else body.push(b);
  }
  parts.push(Buffer.from([0x7e, ...body, 0x7e]));
}
const net = require('node:net');
if (mode === 'connect') {
  const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(Buffer.concat(parts)));
  socket.on('error', () => process.exit(1));
} else {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(Buffer.concat(parts));
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
}
`;

/** Sends COUNT binary WebSocket messages of 500 bytes (sequence number at offset 2) to PORT. */
const WS_SENDER = `
const port = Number(process.argv[1]);
const ws = new (require('ws'))('ws://127.0.0.1:' + port);
ws.on('open', () => {
  for (let i = 0; i < ${COUNT}; i++) {
    const packet = Buffer.alloc(500, 0x11);
    packet.writeUInt32BE(i, 2);
    ws.send(packet);
  }
});
ws.on('error', () => process.exit(1));
`;

/** A clock that moves with every read, so the second read of a turn is over any budget. */
function tickingReadTurn(): ReadTurn {
  let ticks = 0;
  return new ReadTurn(0, () => ticks++);
}

/** Every sequence number arrived, in order, and the budget paused the reader on the way. */
async function expectAllInOrderAfterPauses(
  received: number[],
  readTurn: ReadTurn,
  what: string,
): Promise<void> {
  await waitUntil(() => received.length === COUNT, what, 20_000);
  expect(received).to.deep.equal(Array.from({ length: COUNT }, (_, i) => i));
  expect(readTurn.pauses).to.be.greaterThan(0);
}

// Another process sends, so the kernel refills the socket while this one handles a read and
// libuv's next read in the same turn finds a full buffer again.
describe('a reader past the read budget of its turn (real loopback, a sender process)', () => {
  const sockets: Socket[] = [];
  let server: Server | undefined;
  let sender: ChildProcess | undefined;

  afterEach(async () => {
    sender?.kill();
    sender = undefined;
    for (const socket of sockets.splice(0)) socket.destroy();
    if (server !== undefined) {
      server.close();
      await once(server, 'close');
      server = undefined;
    }
  });

  it('a server peer pauses until the turn ends and loses nothing', async () => {
    const readTurn = tickingReadTurn();
    const received: number[] = [];
    server = createServer((socket) => {
      sockets.push(socket);
      new StreamPeer(10_000, '127.0.0.1', 1, socket, {
        link: TEST_STREAM_LINK,
        maxFrameLength: TEST_STREAM_LINK.hwMtu,
        runtime: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 },
        abuse: DEFAULT_ABUSE_SETTINGS,
        buffers: new BufferBudgets(),
        clock: systemClock,
        logger: silentLogger,
        flushQueue: new FlushQueue<StreamPeer>(),
        readTurn,
        frameReceived: (_peer, data) => void received.push(data.readUInt32BE(2)),
        peerClosed: () => undefined,
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    sender = spawn(process.execPath, ['-e', SENDER, 'connect', String(port)], { stdio: 'ignore' });

    await expectAllInOrderAfterPauses(received, readTurn, 'every frame');
  });

  it('a client connection pauses until the turn ends and loses nothing', async () => {
    const readTurn = tickingReadTurn();
    const received: number[] = [];
    sender = spawn(process.execPath, ['-e', SENDER, 'listen'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const [line] = (await once(sender.stdout!, 'data')) as [Buffer];
    const socket = connect({ host: '127.0.0.1', port: Number(line.toString().trim()) });
    sockets.push(socket);
    await once(socket, 'connect');
    new ClientConnection(
      socket,
      { onFrame: (frame) => void received.push(frame.readUInt32BE(2)), onClosed: () => undefined },
      {
        clock: systemClock,
        buffers: new BufferBudgets(),
        framing: TEST_STREAM_LINK.framing,
        maxFrameLength: TEST_STREAM_LINK.hwMtu,
        writeStallTimeoutMs: () => 0,
        readTurn,
      },
    );

    await expectAllInOrderAfterPauses(received, readTurn, 'every frame');
  });

  it('a WebSocket connection pauses until the turn ends and loses nothing', async () => {
    const readTurn = tickingReadTurn();
    const received: number[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    try {
      wss.on('connection', (ws, request) => {
        new WebSocketConnection(ws, request.socket as Socket, {
          clock: systemClock,
          logger: silentLogger,
          buffers: new BufferBudgets(),
          messageDrops: new MessageDrops(),
          flushQueue: new FlushQueue<WebSocketConnection>(),
          readTurn,
          writeStallTimeoutMs: () => 0,
          idleTimeoutMs: () => 0,
          partialMessageTimeoutMs: () => 0,
          packetReceived: (_connection, data) => void received.push(data.readUInt32BE(2)),
          connectionClosed: () => undefined,
        });
      });
      await once(wss, 'listening');
      const port = (wss.address() as AddressInfo).port;
      sender = spawn(process.execPath, ['-e', WS_SENDER, String(port)], {
        stdio: 'ignore',
        cwd: process.cwd(),
      });

      await expectAllInOrderAfterPauses(received, readTurn, 'every message');
    } finally {
      sender?.kill();
      for (const client of wss.clients) client.terminate();
      wss.close();
    }
  });
});
