import { expect } from 'chai';
import { AddressInfo } from 'node:net';
import sinon from 'sinon';
import WebSocket, { WebSocketServer } from 'ws';
import { BufferBudgets } from '../../../src/core/buffer-budgets';
import { systemClock } from '../../../src/core/clock';
import { DEFAULT_INGRESS_CONTROL } from '../../../src/core/ingress-control';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { silentLogger } from '../../../src/core/logger';
import { SequentialIdAllocator } from '../../../src/registry/dynamic-id-allocator';
import { StartContext } from '../../../src/registry/interface-factory';
import {
  startWebSocketClient,
  StartedWebSocketClient,
} from '../../../src/plugins/websocket/websocket-client';
import { WebSocketClientConfig } from '../../../src/plugins/websocket/websocket-config';
import { parseWebSocketConfig } from '../../../src/plugins/websocket/websocket-config-parser';
import { WEBSOCKET_HW_MTU } from '../../../src/plugins/websocket/websocket-constants';
import { RecordingEventSink } from '../../helpers/recording-event-sink';
import {
  serverParams,
  startInterface,
  TestInterface,
  TLS_CERT,
  TLS_KEY,
} from './support/websocket-test-node';

/** Captured at load: waits stay bounded in real time while a test fakes timers. */
const realSetTimeout = globalThis.setTimeout;

function listen(): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.once('error', reject);
    server.once('listening', () => resolve(server));
  });
}

function nextConnection(server: WebSocketServer): Promise<WebSocket> {
  return new Promise((resolve) => server.once('connection', resolve));
}

describe('WebSocketInterface client: reconnect, TLS and a hostile server', function () {
  this.timeout(15000);

  let client: StartedWebSocketClient | undefined;
  let server: WebSocketServer | undefined;
  let ours: TestInterface | undefined;
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await client?.stop();
    client = undefined;
    if (server !== undefined) {
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    server = undefined;
    await ours?.stop();
    ours = undefined;
  });

  function startClient(params: Record<string, string>): {
    sink: RecordingEventSink;
    started: Promise<StartedWebSocketClient>;
  } {
    const sink = new RecordingEventSink();
    const config = parseWebSocketConfig('Uplink', 3, params) as WebSocketClientConfig;
    expect(config.mode).to.equal('client');
    const ctx: StartContext = {
      events: sink,
      dynamicIds: new SequentialIdAllocator(),
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      clock: systemClock,
      logger: silentLogger,
      buffers: new BufferBudgets(),
    };
    return { sink, started: startWebSocketClient(config, ctx, { random: () => 0.5 }) };
  }

  it('reconnects after reconnect_wait x 2^n once the server closed it (fake timers)', async () => {
    server = await listen();
    const { port } = server.address() as AddressInfo;
    clock = sinon.useFakeTimers({
      now: 1_000_000,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    const first = nextConnection(server);
    const { sink, started } = startClient({ target_url: `ws://127.0.0.1:${port}/`, reconnect_wait: '4' });
    client = await started;
    const remote = await first;
    await sink.waitFor('InterfaceUp');
    const second = nextConnection(server);
    remote.terminate();
    await sink.waitFor('InterfaceDown');
    // Jitter pinned at the middle: the wait is exactly reconnect_wait.
    await clock.tickAsync(3_999);
    let reconnected = false;
    void second.then(() => (reconnected = true));
    await new Promise((resolve) => realSetTimeout(resolve, 50));
    expect(reconnected, 'no reconnect before reconnect_wait').to.equal(false);
    await clock.tickAsync(1);
    await second;
    await waitForCount(sink, 'InterfaceUp', 2);
  });

  it('keeps retrying a server that is down, with a growing backoff, and connects once it is up (fake timers)', async () => {
    const probe = await listen();
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    clock = sinon.useFakeTimers({
      now: 1_000_000,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    const { sink, started } = startClient({
      target_host: '127.0.0.1',
      target_port: String(port),
      reconnect_wait: '1',
    });
    client = await started;
    // Attempts at 0, +1 s, +2 s, +4 s: each refused at once on loopback.
    for (const wait of [1_000, 2_000, 4_000]) {
      await new Promise((resolve) => realSetTimeout(resolve, 30));
      await clock.tickAsync(wait);
    }
    await new Promise((resolve) => realSetTimeout(resolve, 30));
    expect(sink.ofType('InterfaceUp')).to.have.length(0);
    server = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise((resolve) => server!.once('listening', resolve));
    await clock.tickAsync(8_000);
    await waitForCount(sink, 'InterfaceUp', 1);
  });

  it('dials wss:// with tls_ca and exchanges packets with a WebSocket server interface', async () => {
    ours = await startInterface(
      serverParams({ tls_cert: TLS_CERT, tls_key: TLS_KEY, path: '/rns' }),
      'Gateway',
    );
    const { sink, started } = startClient({
      target_host: '127.0.0.1',
      target_port: String(ours.port),
      target_type: 'wss',
      path: '/rns',
      tls_ca: TLS_CERT,
    });
    client = await started;
    const up = await sink.waitFor('InterfaceUp');
    const peerUp = await ours.sink.waitFor('InterfaceUp', (e) => e.info !== undefined);
    expect(up.writer?.send(Buffer.from([1, 2, 3]))).to.equal('accepted');
    const atServer = await ours.sink.waitFor('Frame');
    expect(Array.from(atServer.data)).to.deep.equal([1, 2, 3]);
    peerUp.writer?.send(Buffer.from([4, 5]));
    const atClient = await sink.waitFor('Frame');
    expect(Array.from(atClient.data)).to.deep.equal([4, 5]);
  });

  it('closes with 1003 on a text message and 1009 on an oversize one from the server, counts both, reconnects', async () => {
    server = await listen();
    const { port } = server.address() as AddressInfo;
    const first = nextConnection(server);
    const { sink, started } = startClient({ target_url: `ws://127.0.0.1:${port}`, reconnect_wait: '1' });
    client = await started;
    const remote = await first;
    const code = new Promise<number>((resolve) => remote.once('close', resolve));
    remote.send('not a packet');
    expect(await code).to.equal(1003);
    await sink.waitFor('InterfaceDown');
    const again = await nextConnection(server);
    const code2 = new Promise<number>((resolve) => again.once('close', resolve));
    again.send(Buffer.alloc(WEBSOCKET_HW_MTU + 1));
    expect(await code2).to.equal(1009);
    expect(client.drops?.()).to.include({ rx_text_message: 1, rx_message_oversize: 1 });
    expect(sink.ofType('Frame')).to.have.length(0);
  });
});

async function waitForCount(
  sink: RecordingEventSink,
  type: 'InterfaceUp' | 'InterfaceDown',
  count: number,
): Promise<void> {
  // Counted in real-time steps: Date may be faked.
  for (let step = 0; sink.ofType(type).length < count; step++) {
    if (step > 500) throw new Error(`expected ${count} ${type} within 5 s`);
    await new Promise((resolve) => realSetTimeout(resolve, 10));
  }
}
