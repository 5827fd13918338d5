import { expect } from 'chai';
import { Socket } from 'node:net';
import sinon from 'sinon';
import { BufferBudgets } from '../../../src/core/buffer-budgets';
import { frame, HDLC_FLAG } from '../../../src/core/hdlc';
import { StreamPeer } from '../../../src/net/server/stream-peer';
import { until } from '../../robustness/support/good-peer';
import { holdPartialFrame } from '../../robustness/support/memory-attacks';
import { admittedFrom, ATTACKER_IP, closedWithin, entryOf } from './support/abuse-test-support';
import { startTestServer, TestServer } from './support/backbone-test-server';

/** Fake only timers and Date: real sockets need the real setImmediate and nextTick. */
function fakeTimers(): sinon.SinonFakeTimers {
  return sinon.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

/** An opening FLAG and `bytes` bytes of a frame body that is never closed. */
function opened(bytes: number): Buffer {
  const data = Buffer.alloc(bytes + 1, 0x41);
  data[0] = HDLC_FLAG;
  return data;
}

/** Lets the server read what a client wrote (real I/O, whatever the fake clock says). */
async function delivered(server: TestServer, id: number, bytes: number): Promise<void> {
  const peer = server.sink.ofType('InterfaceUp').find((e) => e.id === id)?.writer as StreamPeer;
  await until(() => peer.receiveBufferedBytes >= bytes, `${bytes} bytes buffered`, 3000);
}

describe('BackboneInterface server: unfinished frames (loopback)', () => {
  let server: TestServer | undefined;
  let clock: sinon.SinonFakeTimers | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  it('cuts a slow-loris frame at partial_frame_timeout, and penalises the IP that repeats it (fake timers)', async () => {
    clock = fakeTimers();
    server = await startTestServer(
      {},
      {
        abuse: {
          penaltyExempt: [],
          blacklistDurationMs: 120_000,
          partialFrameTimeoutMs: 30_000,
          partialFrameThreshold: 2,
          partialFrameWindowMs: 300_000,
        },
      },
    );
    const s = server;
    for (let round = 1; round <= 2; round++) {
      const { socket, id } = await admittedFrom(s, ATTACKER_IP);
      sockets.push(socket);
      socket.write(opened(100));
      await delivered(s, id, 100);
      await clock.tickAsync(20_000);
      socket.write(Buffer.alloc(100, 0x42)); // a byte now and then keeps nothing alive
      await delivered(s, id, 200);
      await clock.tickAsync(9_999);
      expect(socket.closed, `round ${round}: open before the deadline`).to.equal(false);
      await clock.tickAsync(1);
      await closedWithin(socket);
      await s.sink.waitFor('InterfaceDown', (e) => e.id === id);
    }
    const penalty = await s.sink.waitForDetail('peer.penalty');
    expect(penalty).to.deep.include({ ip: ATTACKER_IP, reason: 'repeated partial frame timeouts' });
    expect(entryOf(s, ATTACKER_IP)?.blacklistReason).to.equal('repeated partial frame timeouts');
  });

  it('cuts a held frame on the real clock while a peer streaming large frames stays', async function () {
    this.timeout(10_000);
    server = await startTestServer({}, { abuse: { partialFrameTimeoutMs: 300 } });
    const s = server;
    const loris = await admittedFrom(s, ATTACKER_IP);
    sockets.push(loris.socket);
    const streamer = await admittedFrom(s, '127.0.0.3');
    sockets.push(streamer.socket);
    loris.socket.write(opened(1000));
    // The streamer sends 60 KB frames in 20 KB pieces for 900 ms: a frame is always pending.
    const framed = frame(Buffer.alloc(60_000, 0x7e));
    const startedAt = Date.now();
    let offset = 0;
    while (Date.now() - startedAt < 900) {
      streamer.socket.write(framed.subarray(offset, offset + 20_000));
      offset = (offset + 20_000) % framed.length;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await closedWithin(loris.socket, 3000);
    expect(streamer.socket.closed).to.equal(false);
    expect(s.sink.ofType('Frame').filter((f) => f.id === streamer.id).length).to.be.greaterThan(3);
    const disconnected = s.sink.details('peer.disconnected').map((e) => e.ip);
    expect(disconnected).to.deep.equal([ATTACKER_IP]);
  });

  it('past the node-wide receive budget, cuts the connection holding the largest unfinished frame', async () => {
    const buffers = new BufferBudgets({ receiveBytes: 1024 * 1024 });
    // Detectors that would fire on one event, had the eviction counted as one.
    const abuse = {
      penaltyExempt: [],
      blacklistDurationMs: 120_000,
      partialFrameThreshold: 1,
      partialFrameWindowMs: 300_000,
      flapThreshold: 1,
      flapWindowMs: 60_000,
    };
    server = await startTestServer({}, { buffers, abuse });
    const s = server;
    const small = await Promise.all(
      Array.from({ length: 5 }, () => holdPartialFrame(s.port, '127.0.0.2', 50_000)),
    );
    sockets.push(...small);
    await until(() => buffers.receive.holders === 5, 'five holders', 3000);
    const large = await holdPartialFrame(s.port, '127.0.0.3', 900_000);
    sockets.push(large);
    await closedWithin(large, 3000);
    expect(buffers.receive.evictions).to.equal(1);
    expect(buffers.receive.totalHeld).to.be.at.most(1024 * 1024);
    expect(small.filter((socket) => socket.closed)).to.deep.equal([]);
    expect(s.sink.details('peer.disconnected').map((e) => e.ip)).to.deep.equal(['127.0.0.3']);
    expect(s.sink.details('peer.penalty')).to.deep.equal([], 'an eviction is not held against the peer');
  });
});
