import { expect } from 'chai';
import { once } from 'node:events';
import * as net from 'node:net';
import { MetricsServer } from '../../../../src/node/metrics/metrics-server';
import { RecordingLogger } from '../../../helpers/recording-logger';
import { httpRequest } from '../../../helpers/prometheus-scrape';

const PAGE = {
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  render: () => Promise.resolve('up 1\n'),
};

/** A raw connection; resolves with everything it received once the server closed it. */
function rawConnection(port: number): { socket: net.Socket; closed: Promise<string> } {
  const socket = net.connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  return { socket, closed };
}

describe('MetricsServer (loopback)', function () {
  this.timeout(10000);
  const servers: MetricsServer[] = [];
  const sockets: net.Socket[] = [];

  async function listen(limits = {}): Promise<{ server: MetricsServer; url: string; port: number }> {
    const server = await MetricsServer.listen({ host: '127.0.0.1', port: 0, limits });
    servers.push(server);
    const { port } = server.address;
    return { server, port, url: `http://127.0.0.1:${port}/metrics` };
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await server.close();
  });

  it('answers 503 until it is given the page, then the page', async () => {
    const { server, url } = await listen();
    expect((await httpRequest(url)).status).to.equal(503);
    server.serve(PAGE);
    const reply = await httpRequest(url);
    expect(reply).to.deep.include({ status: 200, body: 'up 1\n' });
    expect(reply.headers['content-type']).to.equal(PAGE.contentType);
  });

  it('answers 500 and logs when the page cannot be read', async () => {
    const logger = new RecordingLogger();
    const server = await MetricsServer.listen({ host: '127.0.0.1', port: 0, logger });
    servers.push(server);
    server.serve({ contentType: 'text/plain', render: () => Promise.reject(new Error('boom')) });
    const reply = await httpRequest(`http://127.0.0.1:${server.address.port}/metrics`);
    expect(reply.status).to.equal(500);
    expect(logger.lines.map((l) => l.message)).to.include('metrics scrape failed');
  });

  it('closes connections beyond its limit as they arrive, and serves again once one ends', async () => {
    const { server, port, url } = await listen({ maxConnections: 2 });
    server.serve(PAGE);
    const held = [rawConnection(port), rawConnection(port)];
    for (const { socket } of held) {
      sockets.push(socket);
      await once(socket, 'connect');
    }
    const extra = rawConnection(port);
    sockets.push(extra.socket);
    expect(await extra.closed).to.equal('');
    held[0]?.socket.destroy();
    await held[0]?.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await httpRequest(url)).status).to.equal(200);
  });

  it('drops a client that does not finish its headers in time', async () => {
    const { server, port } = await listen({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    server.serve(PAGE);
    const slow = rawConnection(port);
    sockets.push(slow.socket);
    await once(slow.socket, 'connect');
    slow.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    const received = await slow.closed;
    expect(received).to.match(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).to.be.below(5000);
  });

  it('refuses an oversized request head', async () => {
    const { server, port } = await listen({ maxHeaderBytes: 1024 });
    server.serve(PAGE);
    const big = rawConnection(port);
    sockets.push(big.socket);
    await once(big.socket, 'connect');
    big.socket.write(`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(4096)}\r\n\r\n`);
    expect(await big.closed).to.match(/^HTTP\/1\.1 431/);
  });

  it('close() ends kept-alive connections and is idempotent', async () => {
    const { server, port } = await listen();
    server.serve(PAGE);
    const client = rawConnection(port);
    sockets.push(client.socket);
    await once(client.socket, 'connect');
    client.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(client.socket, 'data');
    await Promise.all([server.close(), server.close()]);
    expect(await client.closed).to.match(/^HTTP\/1\.1 200/);
    const refused = rawConnection(port);
    sockets.push(refused.socket);
    expect(await refused.closed).to.equal('');
  });

  it('rejects with the listen error when the port is taken, leaving nothing open', async () => {
    const { port } = await listen();
    const error = await MetricsServer.listen({ host: '127.0.0.1', port }).then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    expect(error?.code).to.equal('EADDRINUSE');
  });
});
