import { expect } from 'chai';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { ControlClient } from '../../../../src/node/control/control-client';
import { ControlRequestError } from '../../../../src/node/control/control-errors';
import { ControlServer, ControlServerOptions } from '../../../../src/node/control/control-server';
import { controlSocketPath } from '../../../../src/node/control/control-socket-path';
import { FakeControlTarget } from './fake-control-target';
import { RawConnection } from './raw-connection';

/** Real time, captured before any test installs fake timers. */
const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

/** Waits `ms` of real time (socket I/O goes on meanwhile, fake timers or not). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Resolves once `read()` has returned the same value for `quietMs` of real time (bounded). */
async function settled(read: () => number, quietMs = 300, maxMs = 10000): Promise<number> {
  const deadline = realNow() + maxMs;
  let last = read();
  let since = realNow();
  while (realNow() < deadline) {
    await pause(20);
    const now = read();
    if (now !== last) {
      last = now;
      since = realNow();
    } else if (realNow() - since >= quietMs) {
      break;
    }
  }
  return last;
}

describe('ControlServer limits: backpressure, connection cap, idle timeout, response size', function () {
  this.timeout(30000);

  let dir: string;
  let socketPath: string;
  let target: FakeControlTarget;
  let server: ControlServer | undefined;
  const open = (options: Partial<ControlServerOptions> = {}): Promise<ControlServer> =>
    ControlServer.open({ socketPath, configDir: dir, target, ...options });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-ctl-'));
    socketPath = controlSocketPath(dir);
    target = new FakeControlTarget();
  });

  afterEach(async () => {
    sinon.restore();
    await server?.close();
    server = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('stops serving a client that pipelines without reading, then answers everything in order', async () => {
    server = await open();
    const socket = net.createConnection(socketPath);
    await once(socket, 'connect');
    socket.on('error', () => undefined);
    const total = 50_000;
    const requests = Array.from({ length: total }, (_, i) => `{"id":${i},"method":"status"}\n`).join('');
    socket.write(requests);

    // The client reads nothing: once its socket buffers are full the node stops reading and
    // serving it, long before it has served every request.
    const served = await settled(() => target.calls.length);
    expect(served).to.be.below(total / 5);

    // Reading again resumes the flow: every request answered once, in order.
    const ids: number[] = [];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffer += text;
      let nl;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        ids.push((JSON.parse(buffer.slice(0, nl)) as { id: number }).id);
        buffer = buffer.slice(nl + 1);
      }
    });
    const deadline = realNow() + 20000;
    while (ids.length < total && realNow() < deadline) await pause(20);
    expect(ids.length).to.equal(total);
    expect(ids.every((id, i) => id === i)).to.equal(true);
    socket.destroy();
  });

  it('answers a client over the connection cap with too_many_connections, and serves it later', async () => {
    server = await open({ maxConnections: 2 });
    const first = await ControlClient.connect(socketPath);
    const second = await ControlClient.connect(socketPath);
    await first.call('status', {});
    await second.call('status', {});
    const third = await ControlClient.connect(socketPath);
    const err = await third.call('status', {}).then(
      () => expect.fail('served over the cap'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ControlRequestError);
    expect((err as ControlRequestError).controlCode).to.equal('too_many_connections');
    expect((err as Error).message).to.equal(
      'too many control connections (at most 2); try again when another client has finished',
    );
    third.close();
    // The clients within the cap are unaffected; a slot that frees up is served again.
    expect((await second.call('status', {})).pid).to.equal(1);
    first.close();
    await pause(50);
    const fourth = await ControlClient.connect(socketPath);
    expect((await fourth.call('status', {})).pid).to.equal(1);
    second.close();
    fourth.close();
  });

  it('closes a refused client that neither reads nor leaves, after a short grace', async () => {
    server = await open({ maxConnections: 1 });
    const held = await RawConnection.open(socketPath);
    held.socket.write('{"id":1,"method":"status"}\n');
    await held.next();
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const refused = net.createConnection(socketPath);
    refused.pause();
    refused.on('error', () => undefined);
    await once(refused, 'connect');
    const closed = new Promise((resolve) => refused.on('close', resolve));
    // Let the server accept it, then run the grace timer out.
    await pause(100);
    await clock.tickAsync(1000);
    refused.resume();
    await closed;
    held.socket.destroy();
  });

  it('closes a connection idle for the idle timeout, and keeps one that keeps asking', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server = await open({ idleTimeoutMs: 60_000 });
    const busy = await RawConnection.open(socketPath);
    const idle = await RawConnection.open(socketPath);
    const ask = async (conn: RawConnection, id: number): Promise<void> => {
      conn.socket.write(`{"id":${id},"method":"status"}\n`);
      expect((await conn.next()).id).to.equal(id);
    };
    await ask(busy, 1);
    await ask(idle, 1);
    await clock.tickAsync(40_000);
    await ask(busy, 2);
    await clock.tickAsync(20_000);
    await idle.untilClosed();
    expect(busy.closed).to.equal(false);
    await clock.tickAsync(30_000);
    await ask(busy, 3);
    await clock.tickAsync(60_000);
    await busy.untilClosed();
  });

  it('closes a client that stopped reading its answers after the idle timeout', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server = await open({ idleTimeoutMs: 60_000 });
    const socket = net.createConnection(socketPath);
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.pause();
    socket.write(Array.from({ length: 20_000 }, (_, i) => `{"id":${i},"method":"status"}\n`).join(''));
    await settled(() => target.calls.length);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await clock.tickAsync(60_000);
    socket.resume();
    await closed;
  });

  it('answers response_too_large instead of a response over the limit, and keeps serving', async () => {
    server = await open({ maxResponseBytes: 200 });
    const client = await ControlClient.connect(socketPath);
    try {
      const err = await client.call('status', {}).then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
      expect((err as ControlRequestError).controlCode).to.equal('response_too_large');
      const small = await client.call('config.get', { key: 'nope' }).catch((e: ControlRequestError) => e);
      expect((small as ControlRequestError).controlCode).to.equal('unknown_key');
    } finally {
      client.close();
    }
  });
});
