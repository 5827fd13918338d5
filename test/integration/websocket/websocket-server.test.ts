import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { WEBSOCKET_HW_MTU } from '../../../src/plugins/websocket/websocket-constants';
import { receiverHeldBytes } from '../../../src/plugins/websocket/websocket-connection';
import { waitUntil } from '../node/loopback-peer';
import {
  closeCode,
  dial,
  open,
  serverParams,
  startInterface,
  TestInterface,
  TLS_CERT,
  TLS_KEY,
} from './support/websocket-test-node';

describe('WebSocketInterface server: framing, limits and hostile clients (ws clients on loopback)', function () {
  this.timeout(15000);

  let server: TestInterface | undefined;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await server?.stop();
    server = undefined;
  });

  async function start(extra: Record<string, string> = {}): Promise<TestInterface> {
    server = await startInterface(serverParams(extra));
    return server;
  }

  function track(ws: WebSocket): WebSocket {
    sockets.push(ws);
    return ws;
  }

  const drops = (s: TestInterface) => s.started.drops?.() ?? {};

  it('delivers one binary message as one packet, up to HW_MTU, and sends each packet as one message', async () => {
    const s = await start();
    const ws = track(await open(`ws://127.0.0.1:${s.port}/`));
    const up = await s.sink.waitFor('InterfaceUp', (e) => e.info !== undefined);
    expect(up.info).to.include({ mtu: WEBSOCKET_HW_MTU, bitrate: 1_000_000_000 });
    expect(up.info?.name).to.match(/^WebSocketInterface\/\d+$/);

    const largest = Buffer.alloc(WEBSOCKET_HW_MTU, 7);
    const small = Buffer.from('0100' + 'ab'.repeat(30), 'hex');
    ws.send(small);
    ws.send(largest);
    await waitUntil(() => s.sink.ofType('Frame').length === 2, 'two frames');
    const [first, second] = s.sink.ofType('Frame');
    expect(Buffer.from(first!.data).equals(small)).to.equal(true);
    expect(second!.data.length).to.equal(WEBSOCKET_HW_MTU);

    const messages: Buffer[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).to.equal(true);
      messages.push(data);
    });
    for (let i = 1; i <= 20; i++) expect(up.writer?.send(Buffer.alloc(40, i))).to.equal('accepted');
    await waitUntil(() => messages.length === 20, '20 messages');
    expect(messages.map((m) => m[0])).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('closes a connection that sends a text message with 1003, and counts it', async () => {
    const s = await start();
    const ws = track(await open(`ws://127.0.0.1:${s.port}/`));
    const code = closeCode(ws);
    ws.send('hello');
    expect(await code).to.equal(1003);
    const gone = await s.sink.waitForDetail('peer.disconnected');
    expect(gone.cause).to.equal('text_message');
    expect(drops(s)).to.include({ rx_text_message: 1 });
    expect(s.sink.ofType('Frame')).to.have.length(0);
  });

  it('closes a connection that sends a message over HW_MTU with 1009 before buffering it, and counts it', async () => {
    const s = await start();
    const ws = track(await open(`ws://127.0.0.1:${s.port}/`));
    const code = closeCode(ws);
    ws.send(Buffer.alloc(WEBSOCKET_HW_MTU + 1));
    expect(await code).to.equal(1009);
    const gone = await s.sink.waitForDetail('peer.disconnected');
    expect(gone.cause).to.equal('oversize_message');
    expect(drops(s)).to.include({ rx_message_oversize: 1 });
    expect(s.sink.ofType('Frame')).to.have.length(0);
  });

  it('drops an empty message and counts it; the connection stays', async () => {
    const s = await start();
    const ws = track(await open(`ws://127.0.0.1:${s.port}/`));
    await s.sink.waitFor('InterfaceUp');
    ws.send(Buffer.alloc(0));
    ws.send(Buffer.from([1, 2, 3]));
    await s.sink.waitFor('Frame');
    expect(drops(s)).to.include({ rx_message_empty: 1 });
    expect(ws.readyState).to.equal(WebSocket.OPEN);
  });

  it('holds many connections from one IP to max_connections_per_ip and refuses the rest', async () => {
    const s = await start({ max_connections_per_ip: '4', connect_rate_threshold: '1000' });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => dial(`ws://127.0.0.1:${s.port}/`, { localAddress: '127.0.0.2' })),
    );
    for (const o of outcomes) if (o.kind === 'open') track(o.ws);
    expect(outcomes.filter((o) => o.kind === 'open')).to.have.length(4);
    expect(drops(s).conn_refused_per_ip).to.equal(6);
    // Another address is not affected.
    track(await open(`ws://127.0.0.1:${s.port}/`));
  });

  it('refuses connections past max_connections', async () => {
    const s = await start({ max_connections: '2' });
    track(await open(`ws://127.0.0.1:${s.port}/`));
    track(await open(`ws://127.0.0.1:${s.port}/`));
    const third = await dial(`ws://127.0.0.1:${s.port}/`);
    expect(third.kind).to.equal('failed');
    expect(drops(s).conn_refused_full).to.equal(1);
  });

  it('refuses a browser Origin outside allowed_origins (403, counted); allows listed and absent ones', async () => {
    const s = await start({ allowed_origins: 'https://app.example, http://127.0.0.1:8080' });
    const url = `ws://127.0.0.1:${s.port}/`;
    expect(await dial(url, { origin: 'https://evil.example' })).to.deep.equal({
      kind: 'refused',
      status: 403,
    });
    expect(await dial(url, { origin: 'http://app.example' })).to.deep.equal({ kind: 'refused', status: 403 });
    expect(drops(s).conn_refused_origin).to.equal(2);
    track(await open(url, { origin: 'HTTPS://App.Example:443' }));
    track(await open(url, { origin: 'http://127.0.0.1:8080' }));
    // No Origin header: not a browser, which the allow-list is not about.
    track(await open(url));
    expect(s.sink.details('peer.connected')).to.have.length(3);
  });

  it('accepts upgrades on its path only (404 elsewhere), answers plain HTTP with 426', async () => {
    const s = await start({ path: '/rns' });
    expect(await dial(`ws://127.0.0.1:${s.port}/`)).to.deep.equal({ kind: 'refused', status: 404 });
    expect(await dial(`ws://127.0.0.1:${s.port}/rns/x`)).to.deep.equal({ kind: 'refused', status: 404 });
    track(await open(`ws://127.0.0.1:${s.port}/rns?client=web`));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/rns' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(426);
    expect(drops(s)).to.include({ conn_refused_path: 2, conn_refused_handshake: 1 });
  });

  it('answers a malformed upgrade with 400, closes it and counts it', async () => {
    const s = await start();
    const socket = connect({ host: '127.0.0.1', port: s.port });
    socket.on('error', () => undefined);
    socket.resume();
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(drops(s).conn_refused_handshake).to.equal(1);
  });

  it('tracks what ws holds of an unfinished message (the receive budget reads it)', async () => {
    const s = await start();
    const ws = track(await open(`ws://127.0.0.1:${s.port}/`));
    await s.sink.waitFor('InterfaceUp');
    // A masked binary frame header announcing 1000 bytes, and 300 of them.
    const header = Buffer.from([0x82, 0xfe, 0x03, 0xe8, 1, 2, 3, 4]);
    const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.write(Buffer.concat([header, Buffer.alloc(300)]));
    const buffers = s.ctx.buffers!;
    await waitUntil(() => buffers.receive.totalHeld >= 300, 'the receive budget sees the unfinished message');
    raw.write(Buffer.alloc(700));
    await s.sink.waitFor('Frame');
    await waitUntil(() => buffers.receive.totalHeld === 0, 'the claim drops once the message is complete');
  });

  it('reads the unfinished-message bytes of the installed ws version', () => {
    // receiverHeldBytes reads private fields of ws's Receiver; this pins them.
    const ws = new WebSocket(null as unknown as string, undefined, { autoPong: true } as never);
    const receiver = { _bufferedBytes: 5, _fragments: [Buffer.alloc(7)] };
    (ws as unknown as { _receiver: unknown })._receiver = receiver;
    expect(receiverHeldBytes(ws)).to.equal(12);
    const source = readFileSync(path.join(path.dirname(require.resolve('ws')), 'lib', 'receiver.js'), 'utf8');
    expect(source).to.contain('this._bufferedBytes').and.contain('this._fragments');
  });

  it('serves wss:// with tls_cert and tls_key, and refuses plain ws:// there', async () => {
    const s = await start({ tls_cert: TLS_CERT, tls_key: TLS_KEY });
    const ca = readFileSync(TLS_CERT);
    const ws = track(await open(`wss://127.0.0.1:${s.port}/`, { ca }));
    const up = await s.sink.waitFor('InterfaceUp', (e) => e.info !== undefined);
    ws.send(Buffer.from([9, 9, 9, 9]));
    const frame = await s.sink.waitFor('Frame');
    expect(Array.from(frame.data)).to.deep.equal([9, 9, 9, 9]);
    const got = new Promise<Buffer>((resolve) => ws.once('message', resolve));
    up.writer?.send(Buffer.from([5, 6]));
    expect(Array.from(await got)).to.deep.equal([5, 6]);
    expect((await dial(`ws://127.0.0.1:${s.port}/`)).kind).to.not.equal('open');
    expect((await dial(`wss://127.0.0.1:${s.port}/`)).kind, 'an untrusted certificate fails').to.equal(
      'failed',
    );
  });

  it('penalises an IP that floods connects past connect_rate_threshold', async () => {
    const s = await start({
      connect_rate_threshold: '3',
      connect_rate_window: '60',
      blacklist_duration: '60',
    });
    for (let i = 0; i < 5; i++) {
      const o = await dial(`ws://127.0.0.1:${s.port}/`, { localAddress: '127.0.0.3' });
      if (o.kind === 'open') track(o.ws);
    }
    const penalty = await s.sink.waitForDetail('peer.penalty');
    expect(penalty.ip).to.equal('127.0.0.3');
    expect(drops(s).conn_refused_rate).to.be.at.least(1);
    expect((await dial(`ws://127.0.0.1:${s.port}/`, { localAddress: '127.0.0.3' })).kind).to.equal('failed');
  });
});
