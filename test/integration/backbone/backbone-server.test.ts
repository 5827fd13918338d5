import { HW_MTU } from '../../../src/core/constants';
import { expect } from 'chai';
import { connect, createServer, Server } from 'node:net';
import sinon from 'sinon';
import { systemClock } from '../../../src/core/clock';
import { frame } from '../../../src/core/hdlc';
import { DEFAULT_INGRESS_CONTROL } from '../../../src/core/ingress-control';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { silentLogger } from '../../../src/core/logger';
import { Writer } from '../../../src/core/writer';
import { MAX_PENDING_BYTES } from '../../../src/net/net-constants';
import { StreamPeer } from '../../../src/net/server/stream-peer';
import { startStreamServer } from '../../../src/net/server/stream-server';
import { createServerPeerStateHandle } from '../../../src/net/server/server-peer-state-handle';
import { createServerRuntimeHandle } from '../../../src/net/server/server-runtime-handle';
import { closed, collect, packet, startTestServer, TestServer } from './support/backbone-test-server';

/** Fake only timers and Date: real sockets need the real setImmediate and nextTick. */
function fakeTimers(): sinon.SinonFakeTimers {
  return sinon.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

/** Lets pending I/O callbacks and the flush queue run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BackboneInterface server (loopback)', () => {
  let server: TestServer | undefined;
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await server?.close();
    server = undefined;
  });

  async function upOf(s: TestServer, index = 0): Promise<{ id: number; writer: Writer }> {
    const up = await s.sink.waitFor('InterfaceUp', () => s.sink.ofType('InterfaceUp').length > index);
    const all = s.sink.ofType('InterfaceUp');
    const event = all[index] ?? up;
    expect(event.writer).to.not.equal(undefined);
    return { id: event.id, writer: event.writer as Writer };
  }

  it('accepts a connection: BackbonePeerConnected, then InterfaceUp with writer and the peer info', async () => {
    server = await startTestServer({}, { firstId: 8000, id: 80 });
    const client = await server.connectClient();
    const up = await server.sink.waitFor('InterfaceUp');
    expect(up.id).to.equal(8000);
    expect(up.writer).to.be.an('object');
    expect(up.info).to.deep.include({
      id: 8000,
      name: 'BackboneInterface/8000',
      mode: InterfaceMode.Full,
      inCapable: true,
      outCapable: true,
      bitrate: 1_000_000_000,
      mtu: HW_MTU,
      ingressControl: DEFAULT_INGRESS_CONTROL,
    });
    expect(server.sink.types()).to.deep.equal(['peer.connected', 'InterfaceUp']);
    const connected = server.sink.details('peer.connected')[0];
    expect(connected).to.deep.include({
      peerId: 8000,
      ip: '127.0.0.1',
      port: client.localPort,
    });
  });

  it('delivers a received frame with its exact payload', async () => {
    server = await startTestServer();
    const client = await server.connectClient();
    const { id } = await upOf(server);
    const payload = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    client.write(frame(payload));
    const got = await server.sink.waitFor('Frame');
    expect(got.id).to.equal(id);
    expect(Buffer.from(got.data)).to.deep.equal(payload);
  });

  it('sends exactly the HDLC framing of a packet to the client', async () => {
    server = await startTestServer();
    const client = await server.connectClient();
    const received = collect(client);
    const { writer } = await upOf(server);
    const payload = Buffer.from([0x7e, 0x7d, ...Array.from({ length: 22 }, (_, i) => i + 1)]);
    expect(writer.send(payload)).to.equal('accepted');
    const expected = frame(payload);
    expect(await received.waitForLength(expected.length)).to.deep.equal(expected);
  });

  it('batches the frames sent within one turn into one socket write, in order', async () => {
    server = await startTestServer();
    const client = await server.connectClient();
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    const received = collect(client);
    const { writer } = await upOf(server);
    const packets = Array.from({ length: 50 }, (_, i) => packet(40 + i, i));
    for (const p of packets) expect(writer.send(p)).to.equal('accepted');
    const expected = Buffer.concat(packets.map((p) => frame(p)));
    expect(await received.waitForLength(expected.length)).to.deep.equal(expected);
    // One write of ~3 KiB arrives in one read on loopback; 50 writes would not.
    expect(chunks.length).to.be.lessThan(5);
  });

  it('gives many clients distinct ids', async () => {
    server = await startTestServer({}, { firstId: 8200 });
    await Promise.all(Array.from({ length: 5 }, () => server!.connectClient()));
    await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 5);
    const ids = server.sink.ofType('InterfaceUp').map((e) => e.id);
    expect(new Set(ids).size).to.equal(5);
    expect([...ids].sort()).to.deep.equal([8200, 8201, 8202, 8203, 8204]);
    expect(server.state.monitor.list('x')[0]).to.include({ ip: '127.0.0.1', connectedCount: 5 });
  });

  it('sends Disconnected then InterfaceDown exactly once when the client closes', async () => {
    server = await startTestServer({}, { firstId: 8400 });
    const client = await server.connectClient();
    const { id, writer } = await upOf(server);
    client.write(frame(packet(30, 1)));
    await server.sink.waitFor('Frame');
    client.end();
    await server.sink.waitFor('InterfaceDown', (e) => e.id === 8400);
    await turn();
    expect(server.sink.types(id)).to.deep.equal([
      'peer.connected',
      'InterfaceUp',
      'Frame',
      'peer.disconnected',
      'InterfaceDown',
    ]);
    const disconnected = server.sink.details('peer.disconnected')[0];
    expect(disconnected?.hadReceivedData).to.equal(true);
    expect(disconnected?.connectedForMs).to.be.at.least(0);
    expect(writer.send(packet(30, 2))).to.equal('offline');
    expect(server.state.monitor.list('x')).to.deep.equal([]);
  });

  it('multiplexes frames of two clients sending at once', async () => {
    server = await startTestServer();
    const a = await server.connectClient();
    const b = await server.connectClient();
    await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 2);
    a.write(frame(packet(40, 0xaa)));
    b.write(frame(packet(40, 0xbb)));
    await server.sink.waitFor('Frame', () => server!.sink.ofType('Frame').length === 2);
    const fills = server.sink.ofType('Frame').map((f) => f.data[0]);
    expect(fills).to.have.members([0xaa, 0xbb]);
    const ids = new Set(server.sink.ofType('Frame').map((f) => f.id));
    expect(ids.size).to.equal(2);
  });

  it('binds a free port, and fails to start on a port in use', async () => {
    server = await startTestServer();
    expect(server.port).to.be.greaterThan(0);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const config = { ...server.config, listenPort: port };
      let error: unknown;
      try {
        await startStreamServer(config, {
          events: server.sink,
          dynamicIds: { next: () => 1 },
          mode: InterfaceMode.Full,
          ingressControl: DEFAULT_INGRESS_CONTROL,
          clock: systemClock,
          logger: silentLogger,
        });
      } catch (err) {
        error = err;
      }
      expect((error as NodeJS.ErrnoException | undefined)?.code).to.equal('EADDRINUSE');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reassembles a frame split across two writes', async () => {
    server = await startTestServer();
    const client = await server.connectClient();
    await upOf(server);
    const payload = packet(64, 0x42);
    const framed = frame(payload);
    client.write(framed.subarray(0, 20));
    await turn();
    await turn();
    expect(server.sink.ofType('Frame')).to.have.length(0);
    client.write(framed.subarray(20));
    const got = await server.sink.waitFor('Frame');
    expect(Buffer.from(got.data)).to.deep.equal(payload);
  });

  it('rejects connections beyond max_connections (no InterfaceUp, socket closed)', async () => {
    server = await startTestServer({ maxConnections: 2 });
    await server.connectClient();
    await server.connectClient();
    await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 2);
    const third = await server.connectClient();
    third.on('error', () => undefined);
    await closed(third);
    expect(server.sink.ofType('InterfaceUp')).to.have.length(2);
    expect(server.sink.details('peer.connected')).to.have.length(2);
  });

  it('admits a new connection once a disconnect frees a max_connections slot', async () => {
    server = await startTestServer({ maxConnections: 1 });
    const first = await server.connectClient();
    const { id } = await upOf(server);
    const refused = await server.connectClient();
    refused.on('error', () => undefined);
    await closed(refused);
    first.destroy();
    await server.sink.waitFor('InterfaceDown', (e) => e.id === id);
    await server.connectClient();
    await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 2);
  });

  it('counts what it drops itself: short frames of live and departed peers, refused connections', async () => {
    server = await startTestServer({ maxConnections: 1 });
    const first = await server.connectClient();
    const { id } = await upOf(server);
    // A frame shorter than a Reticulum header is dropped by the decoder; the next one proves it was read.
    first.write(Buffer.concat([frame(packet(5, 1)), frame(packet(32, 2))]));
    await server.sink.waitFor('Frame');
    expect(server.started.drops?.()).to.deep.include({ rx_frame_short: 1, conn_refused_full: 0 });
    const refused = await server.connectClient();
    refused.on('error', () => undefined);
    await closed(refused);
    first.destroy();
    await server.sink.waitFor('InterfaceDown', (e) => e.id === id);
    expect(server.started.drops?.()).to.deep.equal({
      rx_frame_short: 1,
      rx_frame_oversize: 0,
      rx_frame_overflow: 0,
      tx_peer_budget_large: 0,
      tx_peer_budget_small: 0,
      tx_node_budget_large: 0,
      tx_node_budget_small: 0,
      conn_refused_blacklisted: 0,
      conn_refused_rate: 0,
      conn_refused_per_ip: 0,
      conn_refused_full: 1,
    });
  });

  it('applies a lowered max_connections to new connections only', async () => {
    server = await startTestServer({ maxConnections: 0 });
    const handle = createServerRuntimeHandle(server.state);
    await server.connectClient();
    await server.connectClient();
    await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 2);
    expect(handle.set('max_connections', 1).ok).to.equal(true);
    const refused = await server.connectClient();
    refused.on('error', () => undefined);
    await closed(refused);
    expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
    expect(server.sink.ofType('InterfaceUp')).to.have.length(2);
  });

  describe('idle timeout (fake timers)', () => {
    it('disconnects a silent client: Disconnected, IdleTimeout, InterfaceDown', async () => {
      clock = fakeTimers();
      server = await startTestServer({ idleTimeoutMs: 150 });
      const client = await server.connectClient();
      const { id } = await upOf(server);
      await clock.tickAsync(149);
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      await clock.tickAsync(1);
      await server.sink.waitFor('InterfaceDown', (e) => e.id === id);
      await closed(client);
      expect(server.sink.types(id)).to.deep.equal([
        'peer.connected',
        'InterfaceUp',
        'peer.disconnected',
        'InterfaceDown',
      ]);
      expect(server.sink.closedBy('idle_timeout')[0]?.connectedForMs).to.equal(150);
      expect(server.sink.details('peer.disconnected')[0]?.hadReceivedData).to.equal(false);
    });

    it('exempts a client that sent any byte, even a partial frame', async () => {
      clock = fakeTimers();
      server = await startTestServer({ idleTimeoutMs: 200 });
      const client = await server.connectClient();
      const received = collect(client);
      const { writer } = await upOf(server);
      client.write(Buffer.from([0x7e, 0x01, 0x02]));
      // Round trip: once the client reads our reply, the server has handled the earlier bytes.
      writer.send(packet(30, 7));
      await received.waitForLength(32);
      await clock.tickAsync(10_000);
      writer.send(packet(30, 8));
      await received.waitForLength(64);
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      expect(server.sink.closedBy('idle_timeout')).to.have.length(0);
    });

    it('applies a live idle_timeout_secs change to connected silent clients', async () => {
      clock = fakeTimers();
      server = await startTestServer({ idleTimeoutMs: 0 });
      const handle = createServerRuntimeHandle(server.state);
      await server.connectClient();
      const { id } = await upOf(server);
      await clock.tickAsync(1000);
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      // Connected 1 s ago: a 1.5 s timeout leaves 0.5 s.
      expect(handle.set('idle_timeout_secs', 1.5).ok).to.equal(true);
      await clock.tickAsync(499);
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      await clock.tickAsync(1);
      await server.sink.waitForDetail(
        'peer.disconnected',
        (e) => e.cause === 'idle_timeout' && e.peerId === id,
      );
    });

    it('keeps a silent client past the host timer limit (3 000 000 s) until its timeout is due', async () => {
      clock = fakeTimers();
      // Bypasses the config check on purpose: the peer's timer itself must not fire early.
      server = await startTestServer({ idleTimeoutMs: 3_000_000_000 });
      await server.connectClient();
      const { id } = await upOf(server);
      await clock.tickAsync(1);
      // Synchronous ticks: the server's 10 s sweep fires ~300 000 times on the way.
      clock.tick(2 ** 31);
      await turn();
      expect(server.sink.ofType('InterfaceDown'), 'not closed at 1 ms, nor at 2^31 ms').to.have.length(0);
      clock.tick(3_000_000_000 - 2 ** 31 - 2);
      await turn();
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      await clock.tickAsync(1);
      await server.sink.waitForDetail(
        'peer.disconnected',
        (e) => e.cause === 'idle_timeout' && e.peerId === id,
      );
      expect(server.sink.closedBy('idle_timeout')[0]?.connectedForMs).to.equal(3_000_000_000);
    });

    it('refuses idle_timeout_secs past the longest timer at runtime and keeps the silent client', async () => {
      clock = fakeTimers();
      server = await startTestServer({ idleTimeoutMs: 0 });
      const handle = createServerRuntimeHandle(server.state);
      await server.connectClient();
      await upOf(server);
      for (const secs of [1e308, 3_000_000]) {
        const result = handle.set('idle_timeout_secs', secs);
        expect(!result.ok && result.error.code).to.equal('invalid_value');
      }
      expect(server.state.runtime.idleTimeoutMs).to.equal(0);
      await clock.tickAsync(60_000);
      await turn();
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      expect(server.sink.closedBy('idle_timeout')).to.have.length(0);
    });

    it('disconnects at once when the live idle timeout is already exceeded, and 0 turns it off', async () => {
      clock = fakeTimers();
      server = await startTestServer({ idleTimeoutMs: 5000 });
      const handle = createServerRuntimeHandle(server.state);
      await server.connectClient();
      await server.connectClient();
      await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 2);
      expect(handle.set('idle_timeout_secs', 0).ok).to.equal(true);
      await clock.tickAsync(6000);
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      expect(handle.set('idle_timeout_secs', 1).ok).to.equal(true);
      await clock.tickAsync(0);
      await server.sink.waitFor('InterfaceDown', () => server!.sink.ofType('InterfaceDown').length === 2);
      expect(server.sink.closedBy('idle_timeout')).to.have.length(2);
    });
  });

  describe('write stall', () => {
    /** Floods a paused client until the server-side socket holds unwritten bytes. */
    async function fillUntilBacklogged(writer: Writer, frameSize: number): Promise<void> {
      const peer = writer as StreamPeer;
      for (let i = 0; i < 2000; i++) {
        expect(writer.send(packet(frameSize, i & 0xff))).to.equal('accepted');
        await turn();
        if (peer.pendingBytes > 0) return;
      }
      throw new Error('the socket never backed up');
    }

    it('disconnects a client that does not drain within write_stall_timeout (fake timers)', async () => {
      clock = fakeTimers();
      server = await startTestServer({ writeStallTimeoutMs: 50 });
      const client = await server.connectClient();
      client.pause();
      const { id, writer } = await upOf(server);
      await fillUntilBacklogged(writer, 64 * 1024);
      await clock.tickAsync(49);
      expect(server.sink.closedBy('write_stall')).to.have.length(0);
      await clock.tickAsync(1);
      await server.sink.waitFor('InterfaceDown', (e) => e.id === id);
      expect(server.sink.types(id)).to.deep.equal([
        'peer.connected',
        'InterfaceUp',
        'peer.disconnected',
        'InterfaceDown',
      ]);
      expect(writer.send(packet(30, 1))).to.equal('offline');
    });

    it('applies a live write_stall_timeout_secs to a backed-up peer', async () => {
      clock = fakeTimers();
      server = await startTestServer({ writeStallTimeoutMs: 0 });
      const handle = createServerRuntimeHandle(server.state);
      const client = await server.connectClient();
      client.pause();
      const { id, writer } = await upOf(server);
      await fillUntilBacklogged(writer, 64 * 1024);
      await clock.tickAsync(10_000);
      expect(server.sink.closedBy('write_stall')).to.have.length(0);
      expect(handle.set('write_stall_timeout_secs', 0.1).ok).to.equal(true);
      await clock.tickAsync(0);
      await server.sink.waitForDetail(
        'peer.disconnected',
        (e) => e.cause === 'write_stall' && e.peerId === id,
      );
    });

    it('refuses with buffer_full once its budget is full and stays connected until a write stall', async () => {
      server = await startTestServer({ writeStallTimeoutMs: 0 });
      const client = await server.connectClient();
      client.pause();
      const { id, writer } = await upOf(server);
      const big = packet(512 * 1024, 0x55);
      let outcome = 'accepted';
      for (let i = 0; i < 200 && outcome === 'accepted'; i++) {
        outcome = writer.send(big);
        await turn();
      }
      expect(outcome).to.equal('buffer_full');
      expect((writer as StreamPeer).pendingBytes).to.be.at.most(MAX_PENDING_BYTES);
      for (let i = 0; i < 20; i++) await turn();
      expect(server.sink.ofType('InterfaceDown')).to.have.length(0);
      expect(writer.send(big)).to.equal('buffer_full');
      // Only a write stall ends it.
      expect(createServerRuntimeHandle(server.state).set('write_stall_timeout_secs', 0.05).ok).to.equal(true);
      await server.sink.waitForDetail(
        'peer.disconnected',
        (e) => e.cause === 'write_stall' && e.peerId === id,
      );
      await server.sink.waitFor('InterfaceDown', (e) => e.id === id);
      expect(writer.send(packet(30, 1))).to.equal('offline');
    });
  });

  describe('blacklist', () => {
    it('rejects a blacklisted IP on connect and counts the rejection', async () => {
      server = await startTestServer();
      const handle = createServerPeerStateHandle(server.state);
      const first = await server.connectClient();
      const { id } = await upOf(server);
      first.destroy();
      await server.sink.waitFor('InterfaceDown', (e) => e.id === id);
      expect(handle.blacklist('127.0.0.1', 60, 'test blacklist')).to.equal(60);
      const second = await server.connectClient();
      second.on('error', () => undefined);
      await closed(second);
      expect(server.sink.ofType('InterfaceUp')).to.have.length(1);
      const [entry] = server.state.list();
      expect(entry).to.include({
        ip: '127.0.0.1',
        rejectCount: 1,
        connectedCount: 0,
        blacklistReason: 'test blacklist',
      });
      expect(entry?.blacklistedRemainingSecs).to.be.within(59, 60);
    });

    it('refuses a peer blacklisted under another spelling of its address (hex IPv4-mapped)', async () => {
      server = await startTestServer();
      const handle = createServerPeerStateHandle(server.state);
      // 127.0.0.1 as an IPv4-mapped IPv6 address in hex groups, with leading zeros.
      expect(handle.blacklist('0:0:0:0:0:FFFF:7f00:0001', 60, 'spelling')).to.equal(60);
      const refused = await server.connectClient();
      refused.on('error', () => undefined);
      await closed(refused);
      expect(server.sink.ofType('InterfaceUp')).to.have.length(0);
      expect(server.state.list()).to.have.length(1);
      expect(server.state.list()[0]).to.include({
        ip: '127.0.0.1',
        rejectCount: 1,
        blacklistReason: 'spelling',
      });
    });

    it('disconnects live connections of a blacklisted IP', async () => {
      server = await startTestServer();
      const handle = createServerPeerStateHandle(server.state);
      const a = await server.connectClient();
      const b = await server.connectClient();
      await server.sink.waitFor('InterfaceUp', () => server!.sink.ofType('InterfaceUp').length === 2);
      handle.blacklist('::ffff:127.0.0.1', 30, 'abuse');
      await Promise.all([closed(a), closed(b)]);
      await server.sink.waitFor('InterfaceDown', () => server!.sink.ofType('InterfaceDown').length === 2);
      expect(server.sink.closedBy('idle_timeout')).to.have.length(0);
      expect(server.sink.closedBy('write_stall')).to.have.length(0);
      expect(server.state.list()[0]).to.include({
        ip: '127.0.0.1',
        connectedCount: 0,
        blacklistReason: 'abuse',
      });
    });

    it('caps blacklist durations at max_penalty_duration and admits again once it expires', async () => {
      clock = fakeTimers();
      server = await startTestServer({ maxPenaltyDurationMs: 10_000 });
      const handle = createServerPeerStateHandle(server.state);
      expect(handle.blacklist('127.0.0.1', 3600, 'long')).to.equal(10);
      expect(server.state.list()[0]?.blacklistedRemainingSecs).to.equal(10);
      await clock.tickAsync(10_000);
      expect(server.state.list()).to.deep.equal([]);
      await server.connectClient();
      await upOf(server);
    });
  });

  it('stops: closes the listener and every peer socket, then resolves', async () => {
    const s = await startTestServer();
    const a = await s.connectClient();
    const b = await s.connectClient();
    await s.sink.waitFor('InterfaceUp', () => s.sink.ofType('InterfaceUp').length === 2);
    await s.started.stop();
    await Promise.all([closed(a), closed(b)]);
    expect(s.sink.ofType('InterfaceDown')).to.have.length(2);
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const c = connect(s.port, '127.0.0.1');
      c.once('error', resolve);
    });
    expect(refused.code).to.equal('ECONNREFUSED');
    await s.started.stop();
  });

  it('closes everything once the driver is gone (send returns false)', async () => {
    server = await startTestServer();
    const client = await server.connectClient();
    await upOf(server);
    server.sink.closed = true;
    client.write(frame(packet(30, 1)));
    await closed(client);
  });
});
