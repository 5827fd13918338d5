import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import sinon from 'sinon';
import { BufferBudgets } from '../../../../src/core/buffer-budgets';
import { systemClock } from '../../../../src/core/clock';
import { HW_MTU, IFAC_MAX_SIZE } from '../../../../src/core/constants';
import { frame } from '../../../../src/core/hdlc';
import { silentLogger } from '../../../../src/core/logger';
import { AbuseSettings, DEFAULT_ABUSE_SETTINGS } from '../../../../src/net/abuse/abuse-settings';
import { ServerRuntime } from '../../../../src/net/server/server-config';
import {
  LARGE_PENDING_BYTES,
  MAX_PENDING_BYTES,
  SMALL_FRAME_RESERVE_BYTES,
} from '../../../../src/net/net-constants';
import { StreamPeer, StreamPeerHost } from '../../../../src/net/server/stream-peer';
import { FlushQueue } from '../../../../src/net/server/flush-queue';
import { FrameArena } from '../../../../src/net/server/frame-arena';
import { ReadTurn } from '../../../../src/net/read-turn';
import { TEST_STREAM_LINK } from '../../../helpers/stream-link';

/**
 * A socket stand-in whose kernel never takes anything: every write stays queued until the test
 * calls {@link complete}, which plays the kernel accepting the oldest write.
 */
class FakeSocket extends EventEmitter {
  writableLength = 0;
  destroyed = false;
  readonly writes: Buffer[] = [];
  private readonly callbacks: Array<{ length: number; cb: () => void }> = [];
  noDelay = false;
  keepAlive: [boolean, number] | null = null;
  paused = false;

  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }

  setNoDelay(v: boolean): void {
    this.noDelay = v;
  }
  setKeepAlive(on: boolean, delay: number): void {
    this.keepAlive = [on, delay];
  }
  write(data: Buffer, cb: () => void): boolean {
    this.writes.push(data);
    this.writableLength += data.length;
    this.callbacks.push({ length: data.length, cb });
    return false;
  }
  /** The oldest write reached the kernel. */
  complete(): void {
    const next = this.callbacks.shift();
    if (next === undefined) return;
    this.writableLength -= next.length;
    next.cb();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.nextTick(() => this.emit('close', false));
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('StreamPeer (fake socket, fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  let socket: FakeSocket;
  let runtime: ServerRuntime;
  let abuse: AbuseSettings;
  let buffers: BufferBudgets;
  let frames: Buffer[];
  let closedPeers: StreamPeer[];
  let peer: StreamPeer;

  /** A host over this test's runtime, abuse settings and budgets, as read when it is made. */
  const makeHost = (overrides: Partial<StreamPeerHost> = {}): StreamPeerHost => ({
    link: TEST_STREAM_LINK,
    maxFrameLength: TEST_STREAM_LINK.hwMtu,
    runtime,
    abuse,
    buffers,
    clock: systemClock,
    logger: silentLogger,
    flushQueue: new FlushQueue<StreamPeer>(),
    frameReceived: () => undefined,
    peerClosed: () => undefined,
    ...overrides,
  });

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: 1_000,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    socket = new FakeSocket();
    runtime = { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 };
    abuse = { ...DEFAULT_ABUSE_SETTINGS };
    buffers = new BufferBudgets();
    frames = [];
    closedPeers = [];
    const host = makeHost({
      frameReceived: (_p, data) => void frames.push(Buffer.from(data)),
      peerClosed: (p) => void closedPeers.push(p),
    });
    peer = new StreamPeer(10_000, '10.0.0.1', 5555, socket as unknown as Socket, host);
  });
  afterEach(() => clock.restore());

  it('sets TCP_NODELAY and a 5 s keepalive', () => {
    expect(socket.noDelay).to.equal(true);
    expect(socket.keepAlive).to.deep.equal([true, 5000]);
  });

  it('frames every packet of a turn into a single write', async () => {
    const packets = [
      Buffer.alloc(30, 1),
      Buffer.from([0x7e, 0x7d, ...Buffer.alloc(28, 2)]),
      Buffer.alloc(40, 3),
    ];
    for (const p of packets) expect(peer.send(p)).to.equal('accepted');
    expect(socket.writes).to.have.length(0);
    expect(peer.pendingBytes).to.equal(Buffer.concat(packets.map((p) => frame(p))).length);
    await turn();
    expect(socket.writes).to.have.length(1);
    expect(socket.writes[0]).to.deep.equal(Buffer.concat(packets.map((p) => frame(p))));
  });

  it('writes a batch at once when it reaches 64 KiB, so one busy turn cannot exhaust the budget', async () => {
    const p = Buffer.alloc(1000, 1); // framed: 1002 bytes
    for (let i = 0; i < 65; i++) expect(peer.send(p)).to.equal('accepted');
    expect(socket.writes).to.have.length(0);
    expect(peer.send(p)).to.equal('accepted'); // 66 x 1002 >= 65536
    expect(socket.writes).to.have.length(1);
    expect(socket.writes[0]?.length).to.equal(66 * 1002);
    expect(peer.send(p)).to.equal('accepted');
    await turn();
    expect(socket.writes).to.have.length(2);
    expect(socket.writes[1]).to.deep.equal(frame(p));
  });

  it('writes the packets a received chunk produced before its data callback returns', () => {
    const relayed = Buffer.alloc(40, 5);
    // A host that relays each received frame back to the same peer, as a relay would to others.
    const host = makeHost({ frameReceived: (p) => void p.send(relayed) });
    const relaySocket = new FakeSocket();
    new StreamPeer(10_001, '10.0.0.2', 5556, relaySocket as unknown as Socket, host);
    relaySocket.emit('data', Buffer.concat([frame(Buffer.alloc(32, 1)), frame(Buffer.alloc(32, 2))]));
    expect(relaySocket.writes).to.deep.equal([Buffer.concat([frame(relayed), frame(relayed)])]);
  });

  it('writes packets framed back to back for it as one view of the arena, and joins other batches', async () => {
    const arena = new FrameArena();
    const host = makeHost({ frameArena: arena });
    const sockets = [new FakeSocket(), new FakeSocket()];
    const [x, y] = sockets.map(
      (s, i) => new StreamPeer(10_010 + i, '10.0.0.3', 6000 + i, s as unknown as Socket, host),
    ) as [StreamPeer, StreamPeer];
    const packets = [Buffer.alloc(30, 1), Buffer.from([0x7e, ...Buffer.alloc(29, 2)]), Buffer.alloc(30, 3)];
    // A fan-out: both peers get every packet, so both batches are the same range of one slab.
    for (const p of packets) for (const peer of [x, y]) expect(peer.send(p)).to.equal('accepted');
    await turn();
    const expected = Buffer.concat(packets.map((p) => frame(p)));
    expect(sockets[0]?.writes[0]).to.deep.equal(expected);
    expect(sockets[1]?.writes[0]).to.equal(sockets[0]?.writes[0]);
    expect(sockets[0]?.writes[0]?.buffer).to.equal(arena.slab?.buffer);
    // x misses the middle packet: two ranges, joined into a buffer of its own (as is any batch
    // behind queued bytes, like y's now).
    for (const p of packets) {
      const again = Buffer.from(p);
      x.send(again);
      if (p !== packets[1]) y.send(again);
    }
    await turn();
    const tail = Buffer.concat([frame(packets[0] as Buffer), frame(packets[2] as Buffer)]);
    expect(sockets[0]?.writes[1]).to.deep.equal(expected);
    expect(sockets[1]?.writes[1]).to.deep.equal(tail);
    expect(sockets[0]?.writes[1]?.buffer).to.not.equal(arena.slab?.buffer);
    expect(sockets[1]?.writes[1]?.buffer).to.not.equal(arena.slab?.buffer);
  });

  it('decodes received bytes into frames', () => {
    const payload = Buffer.alloc(32, 9);
    const framed = frame(payload);
    socket.emit('data', framed.subarray(0, 5));
    socket.emit('data', framed.subarray(5));
    expect(frames).to.deep.equal([payload]);
    expect(peer.hadReceivedData).to.equal(true);
  });

  it('pauses its socket when a read ends past the turn budget, and resumes it when the turn ends', async () => {
    let now = 0;
    const readTurn = new ReadTurn(10, () => now);
    const host = makeHost({ readTurn, frameReceived: (_p, data) => void frames.push(Buffer.from(data)) });
    const readerSocket = new FakeSocket();
    new StreamPeer(10_030, '10.0.0.9', 7009, readerSocket as unknown as Socket, host);
    readerSocket.emit('data', frame(Buffer.alloc(32, 1)));
    now += 11;
    readerSocket.emit('data', frame(Buffer.alloc(32, 2)));
    // The read was handled: nothing is lost, the socket only stops reading for this turn.
    expect(frames).to.have.length(2);
    expect(readerSocket.paused).to.equal(true);
    await turn();
    expect(readerSocket.paused).to.equal(false);
    expect(readTurn.pauses).to.equal(1);
  });

  it('disconnects for a write stall when no write completes within the timeout', async () => {
    runtime.writeStallTimeoutMs = 50;
    peer.send(Buffer.alloc(100, 1));
    await turn();
    clock.tick(49);
    expect(socket.destroyed).to.equal(false);
    clock.tick(1);
    expect(socket.destroyed).to.equal(true);
    expect(peer.closeReason).to.equal('write_stall');
    expect(peer.send(Buffer.alloc(30))).to.equal('offline');
    await turn();
    expect(closedPeers).to.deep.equal([peer]);
  });

  it('counts each completed write as progress, and a drained socket stops the stall timer', async () => {
    runtime.writeStallTimeoutMs = 50;
    peer.send(Buffer.alloc(100, 1));
    await turn();
    peer.send(Buffer.alloc(100, 2));
    await turn();
    clock.tick(40);
    socket.complete(); // progress at t+40, one write still queued
    clock.tick(49);
    expect(socket.destroyed).to.equal(false);
    socket.complete(); // drained
    clock.tick(1000);
    expect(socket.destroyed).to.equal(false);
    peer.send(Buffer.alloc(100, 3));
    await turn();
    clock.tick(50);
    expect(peer.closeReason).to.equal('write_stall');
  });

  it('refuses with buffer_full past its budget and stays connected, taking packets again once drained', async () => {
    const big = Buffer.alloc(LARGE_PENDING_BYTES - 2, 0x55); // framed: exactly the large-frame budget
    expect(peer.send(big)).to.equal('accepted');
    // The small-frame reserve on top: 4094-byte packets frame to 4096 bytes.
    for (let i = 0; i < SMALL_FRAME_RESERVE_BYTES / 4096; i++) {
      expect(peer.send(Buffer.alloc(4094, 0x33))).to.equal('accepted');
    }
    await turn();
    expect(peer.pendingBytes).to.equal(MAX_PENDING_BYTES);
    expect(peer.send(Buffer.alloc(20, 1))).to.equal('buffer_full');
    expect(peer.send(Buffer.alloc(20, 2))).to.equal('buffer_full');
    expect(peer.droppedPackets).to.equal(2);
    expect(peer.sendRefusals).to.deep.equal({ peerLarge: 0, peerSmall: 2, nodeLarge: 0, nodeSmall: 0 });
    expect(peer.closeReason).to.equal(null);
    expect(socket.destroyed).to.equal(false);
    socket.complete(); // the reader drained it
    expect(peer.send(Buffer.alloc(20, 3))).to.equal('accepted');
  });

  it('holds two frames of the largest size: HW_MTU packets with the longest access code, every byte escaped', async () => {
    const worst = Buffer.alloc(HW_MTU + IFAC_MAX_SIZE, 0x7e); // every byte escaped
    expect(peer.send(worst)).to.equal('accepted');
    expect(peer.send(Buffer.from(worst))).to.equal('accepted');
    await turn();
    expect(peer.pendingBytes).to.equal(2 * (2 * (HW_MTU + IFAC_MAX_SIZE) + 2));
    expect(peer.send(Buffer.alloc(5000, 1)), 'a third large frame').to.equal('buffer_full');
    expect(peer.closeReason).to.equal(null);
  });

  it('keeps a reserve for small frames that large ones never take', async () => {
    // A flood of large packets fills the large-frame budget and is refused past it...
    let large = 0;
    while (peer.send(Buffer.alloc(100_000, 0x55)) === 'accepted') large++;
    expect(large).to.equal(Math.floor(LARGE_PENDING_BYTES / 100_002));
    // ...while small packets still fit, up to the reserve.
    let small = 0;
    while (peer.send(Buffer.alloc(998, 0x01)) === 'accepted') small++;
    expect(small).to.equal(Math.floor((MAX_PENDING_BYTES - large * 100_002) / 1000));
    expect(peer.sendRefusals).to.deep.equal({ peerLarge: 1, peerSmall: 1, nodeLarge: 0, nodeSmall: 0 });
    await turn();
  });

  it('claims what it queues from the node-wide send budget and gives it back as the kernel takes it', async () => {
    peer.send(Buffer.alloc(100, 1));
    expect(buffers.send.totalHeld).to.equal(102);
    await turn();
    expect(buffers.send.totalHeld).to.equal(102);
    socket.complete();
    expect(buffers.send.totalHeld).to.equal(0);
    peer.send(Buffer.alloc(100, 2));
    peer.disconnect('stopped');
    expect(buffers.send.totalHeld).to.equal(0);
    expect(buffers.send.holders).to.equal(0);
  });

  it('past the node-wide send budget, drops for the peer with the most queued, not for the small one', async () => {
    buffers = new BufferBudgets({ sendBytes: 1_000_000 });
    const heavySocket = new FakeSocket();
    const lightSocket = new FakeSocket();
    const heavy = new StreamPeer(10_020, '10.0.0.5', 7000, heavySocket as unknown as Socket, makeHost());
    const light = new StreamPeer(10_021, '10.0.0.6', 7001, lightSocket as unknown as Socket, makeHost());
    expect(light.send(Buffer.alloc(998, 2))).to.equal('accepted');
    // The heavy reader fell 700 kB behind; the next 100 kB cross three quarters of the budget,
    // and it holds more than its share of the last quarter (250 kB / 2 peers holding bytes).
    for (let i = 0; i < 7; i++) expect(heavy.send(Buffer.alloc(99_998, 1))).to.equal('accepted');
    expect(heavy.send(Buffer.alloc(99_998, 1))).to.equal('buffer_full');
    expect(light.send(Buffer.alloc(99_998, 2))).to.equal('accepted');
    expect(buffers.send.refusals).to.equal(1);
    expect(heavy.closeReason).to.equal(null);
    await turn();
  });

  it('accepts a packet of the HW MTU into an empty buffer', async () => {
    expect(peer.send(Buffer.alloc(HW_MTU, 1))).to.equal('accepted');
    await turn();
    expect(socket.writes).to.have.length(1);
  });

  it('idle timer: fires for a silent peer, never after a byte, re-arms on a runtime change', () => {
    runtime.idleTimeoutMs = 100;
    peer.runtimeChanged();
    clock.tick(60);
    runtime.idleTimeoutMs = 80; // 20 ms left
    peer.runtimeChanged();
    clock.tick(19);
    expect(socket.destroyed).to.equal(false);
    clock.tick(1);
    expect(peer.closeReason).to.equal('idle_timeout');
  });

  it('idle timer: a received byte exempts the peer for good', () => {
    runtime.idleTimeoutMs = 100;
    peer.runtimeChanged();
    socket.emit('data', Buffer.from([0x7e]));
    clock.tick(1000);
    runtime.idleTimeoutMs = 10;
    peer.runtimeChanged();
    clock.tick(1000);
    expect(socket.destroyed).to.equal(false);
  });

  describe('unfinished frames', () => {
    const opened = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(bytes, 0x41)]);

    it('discards a frame held unfinished for partial_frame_timeout and disconnects the peer', () => {
      abuse.partialFrameTimeoutMs = 30_000;
      socket.emit('data', opened(100));
      clock.tick(20_000);
      socket.emit('data', Buffer.alloc(100, 0x42)); // more of the same frame: the deadline stands
      clock.tick(9_999);
      expect(socket.destroyed).to.equal(false);
      clock.tick(1);
      expect(peer.closeReason).to.equal('partial_frame_timeout');
      expect(peer.receiveBufferedBytes).to.equal(0);
      expect(socket.destroyed).to.equal(true);
    });

    it('never cuts a peer whose frames keep completing, even if one is always pending', () => {
      abuse.partialFrameTimeoutMs = 30_000;
      const body = Buffer.alloc(1000, 0x43);
      // Each chunk closes the frame the last one opened and opens the next: never zero buffered.
      socket.emit('data', Buffer.concat([Buffer.from([0x7e]), body.subarray(0, 500)]));
      for (let i = 0; i < 100; i++) {
        clock.tick(1_000);
        socket.emit('data', Buffer.concat([body.subarray(500), Buffer.from([0x7e]), body.subarray(0, 500)]));
      }
      expect(frames).to.have.length(100);
      expect(peer.receiveBufferedBytes).to.equal(500);
      expect(peer.closeReason).to.equal(null);
    });

    it('leaves a peer alone between frames (a closing FLAG holds nothing)', () => {
      abuse.partialFrameTimeoutMs = 30_000;
      socket.emit('data', frame(Buffer.alloc(40, 1)));
      clock.tick(120_000);
      expect(peer.closeReason).to.equal(null);
    });

    it('applies a changed deadline at once, and 0 turns it off', () => {
      abuse.partialFrameTimeoutMs = 0;
      socket.emit('data', opened(10));
      clock.tick(120_000);
      expect(peer.closeReason).to.equal(null);
      abuse.partialFrameTimeoutMs = 60_000;
      peer.runtimeChanged();
      clock.tick(0);
      expect(peer.closeReason).to.equal('partial_frame_timeout', 'held for 120 s already');
    });

    it('claims what the decoder retains from the node-wide receive budget, and releases it', () => {
      socket.emit('data', opened(1000));
      expect(buffers.receive.totalHeld).to.equal(peer.receiveRetainedBytes).and.be.at.least(1000);
      socket.emit('data', Buffer.from([0x7e]));
      expect(buffers.receive.totalHeld).to.equal(0);
      socket.emit('data', opened(1000));
      peer.disconnect('stopped');
      expect(buffers.receive.totalHeld).to.equal(0);
    });

    it('past the node-wide receive budget, disconnects the peer holding the largest unfinished frame', () => {
      buffers = new BufferBudgets({ receiveBytes: 100_000 });
      const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
      const [big, small, crossing] = sockets.map(
        (s, i) => new StreamPeer(10_030 + i, '10.0.0.7', 7100 + i, s as unknown as Socket, makeHost()),
      ) as [StreamPeer, StreamPeer, StreamPeer];
      sockets[0]?.emit('data', opened(60_000));
      sockets[1]?.emit('data', opened(5_000));
      expect(big.closeReason).to.equal(null);
      sockets[2]?.emit('data', opened(40_000));
      expect(big.closeReason).to.equal('receive_budget');
      expect(big.receiveBufferedBytes).to.equal(0);
      expect(small.closeReason).to.equal(null);
      expect(crossing.closeReason).to.equal(null);
      expect(buffers.receive.totalHeld).to.be.at.most(100_000);
      expect(buffers.receive.evictions).to.equal(1);
    });
  });

  it('a remote close is reported once with reason remote; the writer then refuses', async () => {
    socket.emit('error', new Error('ECONNRESET'));
    socket.emit('close', true);
    expect(closedPeers).to.deep.equal([peer]);
    expect(peer.closeReason).to.equal('remote');
    expect(peer.closed).to.equal(true);
    expect(peer.send(Buffer.alloc(30))).to.equal('offline');
  });
});
