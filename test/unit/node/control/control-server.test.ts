import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { ControlClient } from '../../../../src/node/control/control-client';
import {
  ControlConnectionError,
  ControlRequestError,
  NoNodeRunningError,
  NodeAlreadyRunningError,
} from '../../../../src/node/control/control-errors';
import { ControlResponse } from '../../../../src/node/control/control-protocol';
import { ControlServer } from '../../../../src/node/control/control-server';
import { controlSocketPath } from '../../../../src/node/control/control-socket-path';
import { FakeControlTarget } from './fake-control-target';
import { RawConnection } from './raw-connection';

describe('ControlServer and ControlClient', () => {
  let dir: string;
  let socketPath: string;
  let target: FakeControlTarget;
  let server: ControlServer | undefined;
  const open = (maxRequestBytes?: number): Promise<ControlServer> =>
    ControlServer.open({ socketPath, configDir: dir, target, maxRequestBytes });

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

  it('creates the socket with mode 0600 and removes it on close', async () => {
    server = await open();
    const stat = await fs.lstat(socketPath);
    expect(stat.isSocket()).to.equal(true);
    expect(stat.mode & 0o777).to.equal(0o600);
    await server.close();
    await server.close();
    await fs.access(socketPath).then(
      () => expect.fail('socket still there'),
      (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
    );
  });

  it('answers unsupported until it is given a target to serve', async () => {
    server = await ControlServer.open({ socketPath, configDir: dir });
    const client = await ControlClient.connect(socketPath);
    try {
      const early = await client.call('status', {}).catch((e: ControlRequestError) => e.controlCode);
      expect(early).to.equal('unsupported');
      server.serve(target);
      expect((await client.call('status', {})).uptimeSecs).to.equal(5);
    } finally {
      client.close();
    }
  });

  it('answers typed calls and error responses through the client', async () => {
    server = await open();
    const client = await ControlClient.connect(socketPath);
    try {
      const status = await client.call('status', {});
      expect(status.relay).to.deep.equal({ received: 3 });
      const entry = await client.call('config.set', { key: 'backbone.Public.idle_timeout_secs', value: 9 });
      expect(entry.value).to.equal(9);
      const err = await client.call('config.get', { key: 'nope' }).then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ControlRequestError);
      expect((err as ControlRequestError).controlCode).to.equal('unknown_key');
      const unknown = await client.callRaw('reboot', {}).catch((e: ControlRequestError) => e.controlCode);
      expect(unknown).to.equal('unknown_method');
    } finally {
      client.close();
    }
  });

  it('pipelines requests and echoes ids', async () => {
    server = await open();
    const conn = await RawConnection.open(socketPath);
    conn.socket.write('{"id":"a","method":"status"}\n{"id":2,"method":"config.list","params":{}}\n');
    expect((await conn.next()).id).to.equal('a');
    const second = await conn.next();
    expect(second).to.include({ id: 2, ok: true });
    conn.socket.destroy();
  });

  it('answers garbage with invalid_request and keeps serving the connection', async () => {
    server = await open();
    const conn = await RawConnection.open(socketPath);
    const garbage = [
      'not json',
      '[1,2]',
      '42',
      'null',
      '{"id":{},"method":"status"}',
      '{"id":5}',
      '{"id":6,"method":3}',
    ];
    conn.socket.write(`${garbage.join('\n')}\n\n   \n`);
    const responses: ControlResponse[] = [];
    for (let i = 0; i < garbage.length; i++) responses.push(await conn.next());
    expect(responses.map((r) => (r.ok ? 'ok' : r.error.code))).to.deep.equal(
      Array(garbage.length).fill('invalid_request'),
    );
    expect(responses.map((r) => r.id)).to.deep.equal([null, null, null, null, null, 5, 6]);
    conn.socket.write(Buffer.from([0xff, 0xfe, 0x00, 0x0a]));
    expect(await conn.next()).to.deep.include({ id: null, ok: false });
    conn.socket.write('{"id":7,"method":"status"}\n');
    expect(await conn.next()).to.include({ id: 7, ok: true });
    conn.socket.destroy();
  });

  it('refuses an oversized request line and closes that connection only', async () => {
    server = await open(1024);
    const conn = await RawConnection.open(socketPath);
    conn.socket.write(`{"id":1,"method":"status","params":{"pad":"${'x'.repeat(2000)}`);
    const response = await conn.next();
    expect(response).to.deep.include({ id: null, ok: false });
    expect(!response.ok && response.error.code).to.equal('request_too_large');
    await conn.untilClosed();
    const other = await RawConnection.open(socketPath);
    other.socket.write('{"id":1,"method":"status"}\n');
    expect(await other.next()).to.include({ ok: true });
    other.socket.destroy();
  });

  it('enforces the default 64 KiB request limit', async () => {
    server = await open();
    const conn = await RawConnection.open(socketPath);
    const atLimit = `{"id":1,"method":"config.get","params":{"key":"${'k'.repeat(64 * 1024 - 50)}"}}`;
    expect(Buffer.byteLength(atLimit)).to.be.at.most(64 * 1024);
    conn.socket.write(`${atLimit}\n`);
    const first = await conn.next();
    expect(!first.ok && first.error.code).to.equal('unknown_key');
    conn.socket.write(`${'y'.repeat(64 * 1024 + 1)}\n`);
    const second = await conn.next();
    expect(!second.ok && second.error.code).to.equal('request_too_large');
    await conn.untilClosed();
  });

  it('refuses to open while another server answers on the socket', async () => {
    server = await open();
    const err = await open().then(
      () => expect.fail('opened twice'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NodeAlreadyRunningError);
    expect((err as Error).message).to.equal(
      `another rns-net node is running for ${dir} (control socket ${socketPath})`,
    );
  });

  it('replaces a stale socket file nobody listens on', async () => {
    // A node that crashed leaves its socket file behind with nobody listening. Simulate that:
    // move the file away while a server listens, close the server, move the file back.
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(socketPath, resolve));
    const orphan = `${socketPath}.orphan`;
    await fs.rename(socketPath, orphan);
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    await fs.rename(orphan, socketPath);
    expect((await fs.lstat(socketPath)).isSocket()).to.equal(true);

    server = await open();
    const client = await ControlClient.connect(socketPath);
    expect((await client.call('status', {})).uptimeSecs).to.equal(5);
    client.close();
  });

  it('refuses to start when the socket path is not a socket', async () => {
    await fs.writeFile(socketPath, 'x');
    const err = await open().then(
      () => expect.fail('opened'),
      (e: Error) => e,
    );
    expect(err.message).to.match(/is not a socket/);
  });

  it('reports a clear error when no node runs', async () => {
    const err = await ControlClient.connect(socketPath, { configDir: dir }).then(
      () => expect.fail('connected'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NoNodeRunningError);
    expect((err as Error).message).to.equal(
      `no rns-net node is running for ${dir} (no control socket at ${socketPath})`,
    );
  });

  it('times a call out when the node does not answer', async () => {
    // Reads (so it sees the client's FIN) but never answers.
    const silent = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
    const client = await ControlClient.connect(socketPath);
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = client.call('status', {}, 1000).catch((e: unknown) => e);
    await clock.tickAsync(1000);
    const err = await pending;
    expect(err).to.be.instanceOf(ControlConnectionError);
    expect((err as Error).message).to.match(/no answer within 1000 ms/);
    clock.restore();
    client.close();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('rejects pending calls when the node closes the connection', async () => {
    server = await open();
    const client = await ControlClient.connect(socketPath);
    await client.call('status', {});
    const pending = client.call('status', {}).catch((e: unknown) => e);
    await server.close();
    server = undefined;
    const err = await pending;
    // The server may answer before it closes; either outcome is a settled promise, never a hang.
    if (err instanceof Error) expect(err).to.be.instanceOf(ControlConnectionError);
    const after = await client.call('status', {}).catch((e: unknown) => e);
    expect(after).to.be.instanceOf(ControlConnectionError);
    client.close();
  });
});
