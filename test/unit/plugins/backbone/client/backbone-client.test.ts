import { expect } from 'chai';
import { RecordingLogger } from '../../../../helpers/recording-logger';
import { RecordingEventSink } from '../../../../helpers/recording-event-sink';
import { freePort } from '../../../../helpers/loopback-port';
import * as net from 'node:net';
import * as sinon from 'sinon';
import { MAX_TIMER_DELAY_MS } from '../../../../../src/core/clock';
import { HW_MTU } from '../../../../../src/core/constants';
import { frame } from '../../../../../src/core/hdlc';
import { InterfaceMode } from '../../../../../src/core/interface-mode';
import { DEFAULT_INGRESS_CONTROL } from '../../../../../src/core/ingress-control';
import { ClientRuntime } from '../../../../../src/net/client/client-config';
import { StartedStreamClient, startStreamClient } from '../../../../../src/net/client/stream-client';
import { RuntimeConfigHandle } from '../../../../../src/core/runtime-config';
import { WriteOutcome, Writer } from '../../../../../src/core/writer';
import { StartedSingleInterface } from '../../../../../src/registry/interface-factory';
import {
  LoopbackServer,
  RecordingClock,
  clientConfig,
  nextTurn,
  packet,
  readBytes,
  startContext,
  withStartup,
} from './client-fixtures';

describe('Backbone client (fake clock, loopback sockets)', () => {
  let server: LoopbackServer;
  let events: RecordingEventSink;
  let clock: RecordingClock;
  let logger: RecordingLogger;
  let started: StartedSingleInterface | undefined;

  beforeEach(async () => {
    server = new LoopbackServer();
    events = new RecordingEventSink();
    clock = new RecordingClock();
    logger = new RecordingLogger();
    started = undefined;
  });

  afterEach(async () => {
    sinon.restore();
    await started?.stop();
    await server.close();
  });

  /** Starts a client to `port`; `random` pins the jitter (0.5 = no jitter). */
  async function start(
    port: number,
    overrides: Partial<ClientRuntime> = {},
    random = (): number => 0.5,
  ): Promise<{ client: StartedStreamClient; handle: RuntimeConfigHandle }> {
    const config = withStartup(clientConfig(port), overrides);
    const client = await startStreamClient(config, startContext(events, clock, logger), { random });
    started = client;
    return { client, handle: client.runtimeConfig };
  }

  /** The pending reconnect timer (any timer that is not the 2 s connect timeout). */
  function reconnectTimer(ms?: number) {
    return clock.nextPending((t) => (ms === undefined ? t !== 2000 : t === ms));
  }

  describe('startup', () => {
    it('resolves at once with an offline single interface, wanting a tunnel, its MTU autoconfigured', async () => {
      await server.listen();
      const { client } = await start(server.port);
      // Nothing is connected yet when start() resolves: connecting runs in the background.
      expect(events.events).to.deep.equal([]);
      expect(client.kind).to.equal('single');
      expect(client.id).to.equal(9000);
      expect(client.info).to.include({
        id: 9000,
        name: 'Backbone Client',
        mode: InterfaceMode.Gateway,
        bitrate: 1_000_000_000,
        mtu: HW_MTU,
        started: clock.nowMs / 1000,
        outCapable: true,
        inCapable: true,
        wantsTunnel: true,
        autoconfigureMtu: true,
      });
      expect(client.info.ingressControl).to.equal(DEFAULT_INGRESS_CONTROL);
      expect(client.writer.send(packet(24))).to.equal('offline');
    });

    it('connects and sends InterfaceUp(id, writer) (rns-net test 18)', async () => {
      await server.listen();
      const { client } = await start(server.port);
      const remote = await server.nextConnection();
      const up = await events.next('InterfaceUp');
      expect(up.id).to.equal(9000);
      expect(up.info).to.equal(undefined);
      expect(up.writer).to.not.equal(undefined);
      expect(remote.remoteAddress).to.equal('127.0.0.1');
      expect(logger.messages('info')).to.include(`client connected to 127.0.0.1:${server.port}`);
      // The connect timeout was armed on the clock and cancelled once connected.
      expect(clock.timers.map((t) => [t.ms, t.cancelled])).to.deep.equal([[2000, true]]);
      expect(client.writer.send(packet(24))).to.equal('accepted');
    });

    it('sets TCP_NODELAY and keepalive with a 5 s initial delay', async () => {
      await server.listen();
      const noDelay = sinon.spy(net.Socket.prototype, 'setNoDelay');
      const keepAlive = sinon.spy(net.Socket.prototype, 'setKeepAlive');
      await start(server.port);
      await events.next('InterfaceUp');
      expect(noDelay.calledWith(true)).to.be.true;
      expect(keepAlive.calledWith(true, 5000)).to.be.true;
    });
  });

  describe('frames', () => {
    it('turns a received HDLC frame into Frame(id, payload) (rns-net test 19)', async () => {
      await server.listen();
      await start(server.port);
      const remote = await server.nextConnection();
      await events.next('InterfaceUp');
      const payload = packet(32);
      remote.write(frame(payload));
      const received = await events.next('Frame');
      expect(received.id).to.equal(9000);
      expect(Buffer.from(received.data).equals(payload)).to.be.true;
    });

    it('reassembles a frame split across two writes', async () => {
      await server.listen();
      await start(server.port);
      const remote = await server.nextConnection();
      await events.next('InterfaceUp');
      const payload = packet(64, 0x70); // contains 0x7d and 0x7e, so escapes are split too
      const framed = frame(payload);
      remote.write(framed.subarray(0, 20));
      await nextTurn();
      remote.write(framed.subarray(20));
      const received = await events.next('Frame');
      expect(Buffer.from(received.data).equals(payload)).to.be.true;
    });

    it('sends exactly frame(payload) to the server (rns-net test 20)', async () => {
      await server.listen();
      await start(server.port);
      const remote = await server.nextConnection();
      const up = await events.next('InterfaceUp');
      const payload = packet(24);
      const expected = frame(payload);
      const reading = readBytes(remote, expected.length);
      expect(up.writer?.send(payload)).to.equal('accepted');
      expect((await reading).equals(expected)).to.be.true;
    });

    it('batches the packets of one tick into one socket write', async () => {
      await server.listen();
      await start(server.port);
      const remote = await server.nextConnection();
      const up = await events.next('InterfaceUp');
      const packets = [packet(30, 1), packet(40, 2), packet(50, 3)];
      const expected = Buffer.concat(packets.map((p) => frame(p)));
      const reading = readBytes(remote, expected.length);
      const write = sinon.spy(net.Socket.prototype, 'write');
      for (const p of packets) expect(up.writer?.send(p)).to.equal('accepted');
      expect(write.callCount).to.equal(0);
      expect((await reading).equals(expected)).to.be.true;
      expect(write.callCount).to.equal(1);
    });

    it('holds two frames of the largest size, then refuses large ones with buffer_full', async () => {
      await server.listen();
      await start(server.port);
      const remote = await server.nextConnection();
      remote.pause(); // the remote stops reading: the kernel buffers fill, then ours
      const up = await events.next('InterfaceUp');
      const writer = up.writer!;
      // HW_MTU bytes that all need escaping: 2 x HW_MTU + 2 framed, the largest frame there is.
      const worst = Buffer.alloc(HW_MTU, 0x7e);
      expect(writer.send(worst)).to.equal('accepted');
      expect(writer.send(Buffer.from(worst))).to.equal('accepted');
      expect(writer.send(packet(8192)), 'a third large frame').to.equal('buffer_full');
      let outcome = 'accepted';
      for (let i = 0; i < 2000 && outcome === 'accepted'; i++) {
        await nextTurn();
        outcome = writer.send(packet(64 * 1024, i));
      }
      expect(outcome).to.equal('buffer_full');
    });
  });

  describe('disconnect and reconnect', () => {
    it('sends InterfaceDown, reconnects after the backoff and sends InterfaceUp with a new writer (rns-net test 21)', async () => {
      await server.listen();
      const { client } = await start(server.port);
      const first = await server.nextConnection();
      const up1 = await events.next('InterfaceUp');
      first.destroy();
      const down = await events.next('InterfaceDown');
      expect(down.id).to.equal(9000);
      expect(logger.messages('warn')).to.include('connection closed');
      // Offline at once, with the old writer and the registration writer alike.
      expect(up1.writer?.send(packet(24))).to.equal('offline');
      expect(client.writer.send(packet(24))).to.equal('offline');

      const timer = await reconnectTimer(100);
      clock.fire(timer);
      expect(logger.messages('info')).to.include('reconnect attempt 1 (backoff 0.1s) ...');
      const second = await server.nextConnection();
      const up2 = await events.next('InterfaceUp');
      expect(up2.id).to.equal(9000);
      expect(up2.writer).to.not.equal(up1.writer);
      expect(logger.messages('info')).to.include('reconnected after 1 attempt(s)');
      expect(events.types()).to.deep.equal(['InterfaceUp', 'InterfaceDown', 'InterfaceUp']);

      const payload = packet(24);
      const reading = readBytes(second, frame(payload).length);
      expect(up2.writer?.send(payload)).to.equal('accepted');
      expect((await reading).equals(frame(payload))).to.be.true;
      expect(up1.writer?.send(payload)).to.equal('offline');
    });

    it('decodes a new connection with a fresh decoder (no leftover of a cut frame)', async () => {
      await server.listen();
      await start(server.port);
      const first = await server.nextConnection();
      await events.next('InterfaceUp');
      // An unterminated frame of 40 bytes, then the connection drops.
      first.end(Buffer.concat([Buffer.from([0x7e]), packet(40, 9)]));
      await events.next('InterfaceDown');
      clock.fire(await reconnectTimer());
      const second = await server.nextConnection();
      await events.next('InterfaceUp');
      const payload = packet(32, 5);
      second.write(frame(payload));
      const received = await events.next('Frame');
      expect(Buffer.from(received.data).equals(payload)).to.be.true;
      await nextTurn();
      expect(events.types().filter((t) => t === 'Frame')).to.have.length(1);
    });

    it('counts the frames its decoders drop, across reconnects', async () => {
      await server.listen();
      const { client } = await start(server.port);
      const first = await server.nextConnection();
      await events.next('InterfaceUp');
      first.write(Buffer.concat([frame(packet(5)), frame(packet(32))]));
      await events.next('Frame');
      expect(client.drops?.()).to.deep.equal({
        rx_frame_short: 1,
        rx_frame_oversize: 0,
        rx_frame_overflow: 0,
        tx_peer_budget_large: 0,
        tx_peer_budget_small: 0,
        tx_node_budget_large: 0,
        tx_node_budget_small: 0,
      });
      first.destroy();
      await events.next('InterfaceDown');
      clock.fire(await reconnectTimer());
      const second = await server.nextConnection();
      await events.next('InterfaceUp');
      second.write(Buffer.concat([frame(packet(3)), frame(packet(32))]));
      await events.next('Frame');
      expect(client.drops?.()).to.deep.include({ rx_frame_short: 2 });
    });

    it('retries a failed first connect in the background, without InterfaceDown', async () => {
      const port = await freePort();
      const { client } = await start(port);
      await logger.waitFor('failed');
      expect(logger.messages('warn')[0]).to.match(
        new RegExp(
          `^connect to 127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED.*; retrying in the background$`,
        ),
      );
      expect(client.writer.send(packet(24))).to.equal('offline');
      const timer = await reconnectTimer(100);
      await server.listen(port);
      clock.fire(timer);
      await server.nextConnection();
      const up = await events.next('InterfaceUp');
      expect(up.id).to.equal(9000);
      expect(events.types()).to.deep.equal(['InterfaceUp']);
      expect(logger.messages('info')).to.include('reconnected after 1 attempt(s)');
    });

    it('backs off x2 per failed attempt, capped at 2^6, jittered by the injected random', async () => {
      const port = await freePort();
      const draws = [0, 0.999, 0.5];
      let n = 0;
      await start(port, { reconnectWaitMs: 1000 }, () => draws[n++ % draws.length]);
      const delays: number[] = [];
      for (let attempt = 0; attempt < 9; attempt++) {
        const timer = await reconnectTimer();
        delays.push(timer.ms);
        clock.fire(timer);
      }
      const factors = [0.75, 1.2495, 1];
      const expected = [1, 2, 4, 8, 16, 32, 64, 64, 64].map((m, i) => 1000 * m * factors[i % 3]);
      expect(delays.length).to.equal(expected.length);
      delays.forEach((d, i) => expect(d).to.be.closeTo(expected[i], 1e-6));
      expect(events.events).to.deep.equal([]);
    });

    it('gives up after max_reconnect_tries failed attempts, logs an error and stays offline', async () => {
      await server.listen();
      const { client } = await start(server.port, { maxReconnectTries: 2 });
      await events.next('InterfaceUp');
      await server.close(); // the remote goes away for good
      await events.next('InterfaceDown');
      clock.fire(await reconnectTimer(100));
      await logger.waitFor('reconnect failed');
      clock.fire(await reconnectTimer(200));
      await logger.waitFor('giving up');
      expect(logger.messages('error')).to.deep.equal(['reconnection failed after 2 attempt(s), giving up']);
      expect(logger.messages('warn').filter((m) => m.startsWith('reconnect failed'))).to.have.length(2);
      expect(clock.pending()).to.deep.equal([]);
      // InterfaceDown was sent once, when the connection ended; giving up sends nothing more.
      expect(events.types()).to.deep.equal(['InterfaceUp', 'InterfaceDown']);
      expect(client.writer.send(packet(24))).to.equal('offline');
    });

    it('with max_reconnect_tries = 0 never retries, as Python: not after a lost connection', async () => {
      await server.listen();
      const { client } = await start(server.port, { maxReconnectTries: 0 });
      await events.next('InterfaceUp');
      await server.close();
      await events.next('InterfaceDown');
      expect(logger.messages('error')).to.deep.equal([
        'connection lost and max_reconnect_tries is 0: not reconnecting',
      ]);
      expect(clock.pending()).to.deep.equal([]);
      expect(client.writer.send(packet(24))).to.equal('offline');
    });

    it('with max_reconnect_tries = 0 never retries a first connect that failed', async () => {
      const port = await freePort();
      await start(port, { maxReconnectTries: 0 });
      await logger.waitFor('retrying in the background');
      expect(clock.pending()).to.deep.equal([]);
      expect(logger.messages('error')).to.have.length(1);
    });

    it('applies a live max_reconnect_tries lowered during a wait when the wait ends', async () => {
      const port = await freePort();
      const { handle } = await start(port);
      const timer = await reconnectTimer();
      clock.fire(timer);
      await logger.waitFor('reconnect failed');
      const second = await reconnectTimer();
      expect(handle.set('max_reconnect_tries', 1).ok).to.be.true;
      clock.fire(second);
      expect(logger.messages('error')).to.deep.equal(['reconnection failed after 1 attempt(s), giving up']);
      expect(clock.pending()).to.deep.equal([]);
    });

    it('aborts a connect attempt when the connect timeout fires, then retries', async () => {
      await server.listen();
      await start(server.port, { connectTimeoutMs: 3000 });
      // The attempt is still in flight: no I/O has been processed since start() began it.
      const timeout = await clock.nextPending((ms) => ms === 3000);
      clock.fire(timeout);
      expect(logger.messages('warn')).to.deep.equal([
        `connect to 127.0.0.1:${server.port} failed: connect timed out after 3s; retrying in the background`,
      ]);
      const retry = await reconnectTimer(100);
      await nextTurn();
      expect(events.events).to.deep.equal([]);
      clock.fire(retry);
      await events.next('InterfaceUp');
    });

    it('applies live runtime changes on the next attempt (handle -> runtime -> client)', async () => {
      const port = await freePort();
      const { handle } = await start(port);
      const first = await clock.nextPending((ms) => ms === 100);
      expect(handle.set('reconnect_wait_secs', 4).ok).to.be.true;
      expect(handle.set('connect_timeout_secs', 7).ok).to.be.true;
      // The wait already scheduled keeps its delay; the next attempt uses the new timeout.
      expect(first.ms).to.equal(100);
      clock.fire(first);
      expect(clock.pending().map((t) => t.ms)).to.deep.equal([7000]);
      await logger.waitFor('reconnect failed');
      // Attempt 1 failed: the next wait is 4 s x 2^1.
      expect((await clock.nextPending((ms) => ms !== 7000)).ms).to.equal(8000);
    });
  });

  describe('reconnect wait bounds', () => {
    it('refuses reconnect_wait_secs 0 at runtime: the refused remote is retried after the old wait, not in a loop', async () => {
      const port = await freePort();
      const { handle } = await start(port, { reconnectWaitMs: 1000 });
      const first = await reconnectTimer(1000);
      const refused = handle.set('reconnect_wait_secs', 0);
      expect(!refused.ok && refused.error).to.deep.equal({
        code: 'invalid_value',
        message: 'backbone_client.Backbone Client.reconnect_wait_secs must be >= 1',
      });
      clock.fire(first);
      await logger.waitFor('reconnect failed');
      // One attempt per fired wait: the next wait is 1 s x 2^1, and nothing else is scheduled.
      expect(clock.pending().map((t) => t.ms)).to.deep.equal([2000]);
      expect(logger.messages('warn').filter((m) => m.startsWith('reconnect failed'))).to.have.length(1);
    });

    it('caps a backoff past the longest timer, so a long wait never turns into a 1 ms retry', async () => {
      const port = await freePort();
      await start(port, { reconnectWaitMs: 2_000_000_000 });
      clock.fire(await reconnectTimer(2_000_000_000));
      await logger.waitFor('reconnect failed');
      expect((await clock.nextPending((ms) => ms > 2_000_000_000)).ms).to.equal(MAX_TIMER_DELAY_MS);
    });
  });

  describe('write stall', () => {
    const STALL_MS = 1000;

    /**
     * Sends 64 KiB packets, one per loop turn, until the writer refuses one (bounded), then waits
     * (in real time, bounded) until the kernel takes no more of the write in flight: the stall
     * timer counts any byte the kernel takes as progress, and these tests need a true stall.
     */
    async function floodUntilFull(writer: Writer): Promise<WriteOutcome> {
      const write = sinon.spy(net.Socket.prototype, 'write');
      let outcome: WriteOutcome = 'accepted';
      for (let i = 0; i < 2000 && outcome === 'accepted'; i++) {
        await nextTurn();
        outcome = writer.send(packet(64 * 1024, i));
      }
      const socket = write.thisValues[0] as { _handle?: { writeQueueSize?: number } | null };
      write.restore();
      let last = -1;
      for (let i = 0; i < 100; i++) {
        const unsent = socket._handle?.writeQueueSize ?? 0;
        if (unsent === last) break;
        last = unsent;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      return outcome;
    }

    /** Connects to a remote that accepts and never reads, and fills the client's budget. */
    async function stalledConnection(overrides: Partial<ClientRuntime>) {
      await server.listen();
      await start(server.port, overrides);
      const remote = await server.nextConnection();
      remote.pause();
      const up = await events.next('InterfaceUp');
      const writer = up.writer!;
      expect(await floodUntilFull(writer)).to.equal('buffer_full');
      return { remote, writer };
    }

    /** The pending stall timer of a timeout of `ms`: it samples progress every quarter of it. */
    const stallTimers = (ms: number) => clock.pending().filter((t) => t.ms === Math.ceil(ms / 4));

    it('arms a stall timer while bytes stay queued and keeps the connection on buffer_full', async () => {
      const { remote, writer } = await stalledConnection({ writeStallTimeoutMs: STALL_MS });
      expect(stallTimers(STALL_MS)).to.have.length(1);
      // Refused, not disconnected: the timer decides about the connection.
      expect(writer.send(packet(64 * 1024))).to.equal('buffer_full');
      await nextTurn();
      expect(events.types()).to.deep.equal(['InterfaceUp']);
      expect(remote.closed).to.be.false;
    });

    it('cancels the stall timer when the remote drains the queue (progress)', async () => {
      const { remote } = await stalledConnection({ writeStallTimeoutMs: STALL_MS });
      const [timer] = stallTimers(STALL_MS);
      remote.resume();
      for (let turn = 0; turn < 10_000 && !timer.cancelled; turn++) await nextTurn();
      expect(timer.cancelled).to.be.true;
      expect(clock.pending()).to.deep.equal([]);
      expect(events.types()).to.deep.equal(['InterfaceUp']);
    });

    it("samples progress every quarter of the timeout, and does not count a late sample's delay", async () => {
      await stalledConnection({ writeStallTimeoutMs: STALL_MS });
      const [timer] = stallTimers(STALL_MS);
      clock.nowMs += 250;
      clock.fire(timer);
      const [sample] = clock.pending();
      expect(sample?.ms).to.equal(STALL_MS / 4);
      clock.nowMs += 250;
      clock.fire(sample!);
      // A sample that runs late (this process was busy) does not count the delay as a stall.
      clock.nowMs += 400;
      clock.fire(clock.pending()[0]!);
      expect(clock.pending().map((t) => t.ms)).to.deep.equal([STALL_MS / 4]);
      await nextTurn();
      expect(events.types()).to.deep.equal(['InterfaceUp']);
    });

    it('closes a connection that made no progress for the timeout: InterfaceDown, then a reconnect', async () => {
      const { remote, writer } = await stalledConnection({ writeStallTimeoutMs: STALL_MS });
      const remoteClosed = new Promise<void>((resolve) => remote.once('close', () => resolve()));
      for (let sample = 0; sample < 4; sample++) {
        clock.nowMs += STALL_MS / 4;
        clock.fire(clock.pending()[0]!);
      }
      expect(writer.send(packet(24))).to.equal('offline');
      const down = await events.next('InterfaceDown');
      expect(down.id).to.equal(9000);
      // The remote sees the end once it reads what the kernel still held for it.
      remote.resume();
      await remoteClosed;
      expect(logger.messages('warn')).to.deep.equal([
        'write stall: remote took no data for 1s, reconnecting',
      ]);
      clock.fire(await reconnectTimer(100));
      const second = await server.nextConnection();
      const up2 = await events.next('InterfaceUp');
      expect(events.types()).to.deep.equal(['InterfaceUp', 'InterfaceDown', 'InterfaceUp']);
      // The new connection writes normally.
      const payload = packet(24);
      const reading = readBytes(second, frame(payload).length);
      expect(up2.writer?.send(payload)).to.equal('accepted');
      expect((await reading).equals(frame(payload))).to.be.true;
    });

    it('arms no timer when the timeout is 0 (off) or absent', async () => {
      await stalledConnection({ writeStallTimeoutMs: 0 });
      expect(clock.pending()).to.deep.equal([]);
      expect(events.types()).to.deep.equal(['InterfaceUp']);
    });

    it('applies a live write_stall_timeout_secs to the connection at once (handle -> runtime -> client)', async () => {
      await server.listen();
      const { handle } = await start(server.port, { writeStallTimeoutMs: 0 });
      const remote = await server.nextConnection();
      remote.pause();
      const up = await events.next('InterfaceUp');
      expect(await floodUntilFull(up.writer!)).to.equal('buffer_full');
      expect(clock.pending()).to.deep.equal([]);

      expect(handle.set('write_stall_timeout_secs', 0.5).ok).to.be.true;
      const [armed] = stallTimers(500);
      expect(armed).to.not.equal(undefined);
      expect(handle.set('write_stall_timeout_secs', 0).ok).to.be.true;
      expect(armed.cancelled).to.be.true;
      expect(clock.pending()).to.deep.equal([]);

      // Raised back after the stall already lasted longer: due at once, counted from the last progress.
      clock.nowMs += 2000;
      expect(handle.set('write_stall_timeout_secs', 1).ok).to.be.true;
      const [due] = stallTimers(0);
      clock.fire(due);
      await events.next('InterfaceDown');
      expect(logger.messages('warn')).to.include('write stall: remote took no data for 1s, reconnecting');
    });

    it('arms no stall timer for a setting changed after stop', async () => {
      await server.listen();
      const { client, handle } = await start(server.port, { writeStallTimeoutMs: STALL_MS });
      await events.next('InterfaceUp');
      await client.stop();
      expect(handle.set('write_stall_timeout_secs', 0.1).ok).to.be.true;
      expect(clock.pending()).to.deep.equal([]);
    });
  });

  describe('stop', () => {
    it('cancels a pending reconnect, closes nothing twice and sends no event afterwards', async () => {
      await server.listen();
      const { client } = await start(server.port);
      const remote = await server.nextConnection();
      await events.next('InterfaceUp');
      remote.destroy();
      await events.next('InterfaceDown');
      const timer = await reconnectTimer();
      await client.stop();
      expect(timer.cancelled).to.be.true;
      expect(clock.pending()).to.deep.equal([]);
      await client.stop(); // idempotent
      expect(events.types()).to.deep.equal(['InterfaceUp', 'InterfaceDown']);
    });

    it('closes the live connection without InterfaceDown and resolves once it is closed', async () => {
      await server.listen();
      const { client } = await start(server.port);
      const remote = await server.nextConnection();
      const up = await events.next('InterfaceUp');
      const remoteClosed = new Promise<void>((resolve) => remote.once('close', () => resolve()));
      await client.stop();
      await remoteClosed;
      await nextTurn();
      expect(events.types()).to.deep.equal(['InterfaceUp']);
      expect(up.writer?.send(packet(24))).to.equal('offline');
      expect(clock.pending()).to.deep.equal([]);
    });

    it('abandons a connect attempt in flight', async () => {
      await server.listen();
      const { client } = await start(server.port);
      await client.stop();
      await nextTurn();
      expect(events.events).to.deep.equal([]);
      expect(clock.pending()).to.deep.equal([]);
    });

    it('stops by itself when the driver is gone (send returns false)', async () => {
      await server.listen();
      await start(server.port);
      const remote = await server.nextConnection();
      await events.next('InterfaceUp');
      events.closed = true;
      const remoteEnded = new Promise<void>((resolve) => remote.once('close', () => resolve()));
      remote.write(frame(packet(32)));
      await remoteEnded;
      await nextTurn();
      expect(clock.pending()).to.deep.equal([]);
      expect(events.types()).to.deep.equal(['InterfaceUp']);
    });
  });
});
