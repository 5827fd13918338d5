import { expect } from 'chai';
import { connect, Socket } from 'node:net';
import sinon from 'sinon';
import WebSocket from 'ws';
import { HANDSHAKE_TIMEOUT_MS } from '../../../src/plugins/websocket/websocket-constants';
import { open, serverParams, startInterface, TestInterface } from './support/websocket-test-node';

/** Captured at load: waits stay bounded in real time while a test fakes timers. */
const realSetTimeout = globalThis.setTimeout;

/** Fake only timers and Date: real sockets need the real setImmediate and nextTick. */
function fakeTimers(): sinon.SinonFakeTimers {
  return sinon.useFakeTimers({
    now: 1_000_000,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

/** Lets real I/O run (a few real milliseconds). */
function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

describe('WebSocketInterface server timers (fake timers, loopback sockets)', () => {
  let server: TestInterface | undefined;
  let clock: sinon.SinonFakeTimers | undefined;
  const sockets: (Socket | WebSocket)[] = [];

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const s of sockets.splice(0)) s instanceof WebSocket ? s.terminate() : s.destroy();
    await server?.stop();
    server = undefined;
  });

  it('closes a TCP connection that asks for no upgrade within the handshake deadline', async () => {
    clock = fakeTimers();
    server = await startInterface(serverParams());
    const socket = connect({ host: '127.0.0.1', port: server.port });
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.resume();
    let closed = false;
    socket.once('close', () => (closed = true));
    await settle();
    await clock.tickAsync(HANDSHAKE_TIMEOUT_MS - 1);
    await settle();
    expect(closed, 'still open before the deadline').to.equal(false);
    await clock.tickAsync(1);
    await settle();
    expect(closed, 'closed at the deadline').to.equal(true);
    expect(server.sink.details('peer.connected'), 'it never became an interface').to.have.length(0);
  });

  it('closes an upgraded connection that sends nothing within idle_timeout; any message exempts it', async () => {
    clock = fakeTimers();
    server = await startInterface(serverParams({ idle_timeout: '5' }));
    const silent = await open(`ws://127.0.0.1:${server.port}/`);
    const talking = await open(`ws://127.0.0.1:${server.port}/`);
    sockets.push(silent, talking);
    talking.send(Buffer.from([1, 2, 3]));
    await server.sink.waitFor('Frame');
    await clock.tickAsync(5_000);
    const gone = await server.sink.waitForDetail('peer.disconnected');
    expect(gone.cause).to.equal('idle_timeout');
    expect(gone.hadReceivedData).to.equal(false);
    await settle();
    expect(talking.readyState).to.equal(WebSocket.OPEN);
    expect(server.sink.details('peer.disconnected')).to.have.length(1);
  });

  it('cuts a connection that holds an unfinished message past partial_frame_timeout', async () => {
    clock = fakeTimers();
    server = await startInterface(serverParams({ partial_frame_timeout: '10' }));
    const ws = await open(`ws://127.0.0.1:${server.port}/`);
    sockets.push(ws);
    await server.sink.waitFor('InterfaceUp');
    // A masked binary frame announcing 1000 bytes, and 10 of them.
    const raw = (ws as unknown as { _socket: Socket })._socket;
    raw.write(Buffer.concat([Buffer.from([0x82, 0xfe, 0x03, 0xe8, 1, 2, 3, 4]), Buffer.alloc(10)]));
    await settle();
    await clock.tickAsync(9_999);
    await settle();
    expect(server.sink.details('peer.disconnected')).to.have.length(0);
    await clock.tickAsync(1);
    const gone = await server.sink.waitForDetail('peer.disconnected');
    expect(gone.cause).to.equal('partial_frame_timeout');
    expect(server.ctx.buffers?.receive.totalHeld).to.equal(0);
  });
});
