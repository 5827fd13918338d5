import { expect } from 'chai';
import * as net from 'node:net';
import sinon from 'sinon';
import { kissFrame } from '../../../../src/core/kiss';
import { TcpClientInterfaceFactory } from '../../../../src/plugins/tcp/tcp-interface-factories';
import { StartedInterface, StartedSingleInterface } from '../../../../src/registry/interface-factory';
import { freePort } from '../../../helpers/loopback-port';
import { RecordingEventSink } from '../../../helpers/recording-event-sink';
import { RecordingLogger } from '../../../helpers/recording-logger';
import {
  LoopbackServer,
  packet,
  readBytes,
  RecordingClock,
  startContext,
} from '../backbone/client/client-fixtures';

/** Polls `check` on real timers until it holds; bounded at 2 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 2 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('TCPClientInterface (fake clock, loopback sockets)', () => {
  const factory = new TcpClientInterfaceFactory();
  let server: LoopbackServer;
  let events: RecordingEventSink;
  let clock: RecordingClock;
  let logger: RecordingLogger;
  let started: StartedInterface | undefined;

  beforeEach(() => {
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

  async function start(params: Record<string, string>): Promise<StartedSingleInterface> {
    const config = factory.parseConfig('TCP Uplink', 5, { target_host: '127.0.0.1', ...params });
    started = await factory.start(config, startContext(events, clock, logger));
    if (started.kind !== 'single') throw new Error('expected a single interface');
    return started;
  }

  it("retries after Python's fixed 5 s, never longer, until the remote is back", async () => {
    const port = await freePort();
    await start({ target_port: String(port), connect_timeout: '3' });
    const failures = () => logger.messages('warn').filter((m) => m.startsWith('reconnect failed')).length;
    for (let attempt = 1; attempt <= 8; attempt++) {
      clock.fire(await clock.nextPending((ms) => ms !== 3000));
      await until(() => failures() === attempt);
    }
    await server.listen(port);
    clock.fire(await clock.nextPending((ms) => ms !== 3000));
    await events.next('InterfaceUp');
    expect(clock.timers.filter((t) => t.ms !== 3000).map((t) => t.ms)).to.deep.equal(Array(9).fill(5000));
  });

  it('with max_reconnect_tries = 2 gives up after two attempts', async () => {
    const port = await freePort();
    await start({ target_port: String(port), max_reconnect_tries: '2', connect_timeout: '3' });
    clock.fire(await clock.nextPending((ms) => ms === 5000));
    await logger.waitFor('reconnect failed');
    clock.fire(await clock.nextPending((ms) => ms === 5000));
    await logger.waitFor('giving up');
    expect(clock.pending().filter((t) => t.ms === 5000)).to.deep.equal([]);
  });

  it('with kiss_framing sends and reads KISS frames, and asks transport for no tunnel', async () => {
    await server.listen();
    const client = await start({ target_port: String(server.port), kiss_framing: 'yes' });
    expect(client.info.wantsTunnel).to.equal(false);
    const socket = await server.nextConnection();
    await events.next('InterfaceUp');
    const out = packet(40);
    expect(client.writer.send(out)).to.equal('accepted');
    expect(await readBytes(socket, kissFrame(out).length)).to.deep.equal(kissFrame(out));
    const inbound = packet(60, 7);
    socket.write(kissFrame(inbound));
    const frame = await events.next('Frame');
    expect(Buffer.from(frame.type === 'Frame' ? frame.data : [])).to.deep.equal(inbound);
  });

  it('with i2p_tunneled starts keepalive probes after 10 s instead of 5 s', async () => {
    const keepAlive = sinon.spy(net.Socket.prototype, 'setKeepAlive');
    await server.listen();
    await start({ target_port: String(server.port), i2p_tunneled: 'yes' });
    await events.next('InterfaceUp');
    expect(keepAlive.calledWith(true, 10_000)).to.equal(true);
  });

  it('describes a fixed_mtu link as fixed, with that MTU, at 10 Mbit/s', async () => {
    const port = await freePort();
    const client = await start({ target_port: String(port), fixed_mtu: '1064' });
    expect(client.info).to.include({
      mtu: 1064,
      autoconfigureMtu: false,
      fixedMtu: true,
      bitrate: 10_000_000,
    });
    expect(client.info.wantsTunnel).to.equal(true);
  });
});
