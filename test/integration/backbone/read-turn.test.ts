import { expect } from 'chai';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { BufferBudgets } from '../../../src/core/buffer-budgets';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { DEFAULT_ABUSE_SETTINGS } from '../../../src/net/abuse/abuse-settings';
import { ReadTurn } from '../../../src/net/read-turn';
import { FlushQueue } from '../../../src/net/server/flush-queue';
import { StreamPeer } from '../../../src/net/server/stream-peer';
import { TEST_STREAM_LINK } from '../../helpers/stream-link';
import { waitUntil } from '../node/loopback-peer';

describe('a peer past the read budget of its turn (real loopback)', () => {
  let server: Server;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    server.close();
    await once(server, 'close');
  });

  it('pauses until the turn ends and loses nothing', async () => {
    // A clock that moves with every read, so the second read of a turn is over any budget.
    let ticks = 0;
    const readTurn = new ReadTurn(0, () => ticks++);
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
    // Another process sends, so the kernel refills the socket while this one handles a read and
    // libuv's next read in the same turn finds a full buffer again.
    const sender = spawn(
      process.execPath,
      ['-e', SENDER, String((server.address() as AddressInfo).port), String(COUNT)],
      {
        stdio: 'ignore',
      },
    );
    try {
      await waitUntil(() => received.length === COUNT, 'every frame', 20_000);
    } finally {
      sender.kill();
    }
    expect(received).to.deep.equal(Array.from({ length: COUNT }, (_, i) => i));
    expect(readTurn.pauses).to.be.greaterThan(0);
  });
});

const COUNT = 4_000;

/** Sends COUNT HDLC frames of 500 bytes (sequence number at offset 2), 2 MB in all, at once. */
const SENDER = `
const [port, count] = process.argv.slice(1).map(Number);
const parts = [];
for (let i = 0; i < count; i++) {
  const packet = Buffer.alloc(500, 0x11);
  packet.writeUInt32BE(i, 2);
  const body = [];
  for (const b of packet) {
    if (b === 0x7e || b === 0x7d) body.push(0x7d, b ^ 0x20);
    else body.push(b);
  }
  parts.push(Buffer.from([0x7e, ...body, 0x7e]));
}
const socket = require('node:net').connect(port, '127.0.0.1', () => socket.end(Buffer.concat(parts)));
socket.on('error', () => process.exit(1));
`;
