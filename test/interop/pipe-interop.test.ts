/**
 * Interop of PipeInterface with Python Reticulum: our transport node's PipeInterface and a
 * Python peer's PipeInterface each run a stdio-to-TCP bridge, and the test splices the two TCP
 * connections, so each side's HDLC reaches the other's child stdout byte for byte. A Python
 * client on our TCPServerInterface runs its whole script (path, proven packet, link, request,
 * resource) to the Python server behind the pipe. Skips without Python RNS.
 */
import { promises as fs } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../src/node/rns-node';
import { freePort } from '../helpers/loopback-port';
import { findPythonRns, PythonRns } from '../helpers/python-rns-locator';
import {
  EventedProcess,
  expectCompleteRun,
  runToEnd,
  ServerPeer,
  startClientPeer,
  startServerPeer,
  startTransportNode,
} from './python-rns';

const BRIDGE = path.join(__dirname, '../helpers/stdio-tcp-bridge.mjs');

/** Accepts two connections and joins them both ways (the two pipes' bridges). */
function startSplice(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    sockets.push(socket);
    if (sockets.length === 2) {
      const [a, b] = sockets as [Socket, Socket];
      a.pipe(b);
      b.pipe(a);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, port, sockets });
    });
  });
}

describe('Python RNS interop over PipeInterface', function () {
  this.timeout(180_000);
  let rns: PythonRns | undefined;
  let dir: string | undefined;
  let node: RnsNode | undefined;
  let server: ServerPeer | undefined;
  let client: EventedProcess | undefined;
  let splice: Awaited<ReturnType<typeof startSplice>> | undefined;

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    splice = await startSplice();
    // Unquoted: a ConfigObj value that starts with a quote is one quoted string.
    const command = `${process.execPath} ${BRIDGE} 127.0.0.1 ${splice.port}`;
    const tcpPort = await freePort();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-pipe-interop-'));
    node = await startTransportNode(dir, [
      '  [[Pipe Link]]',
      '    type = PipeInterface',
      '    enabled = yes',
      `    command = ${command}`,
      '    respawn_delay = 1',
      '    ingress_control = no',
      '  [[TCP Hub]]',
      '    type = TCPServerInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${tcpPort}`,
      '    ingress_control = no',
    ]);
    server = await startServerPeer(rns, {
      interface: 'pipe',
      port: 0,
      extraArgs: ['--pipe-command', command, '--announce-interval', '2'],
    });
    client = startClientPeer(rns, {
      interface: 'tcp',
      port: tcpPort,
      destinationHash: server.destinationHash,
      resourceSize: 64 * 1024,
      keepalives: 1,
      stepTimeoutSec: 20,
    });
    await runToEnd([client]);
  });

  after(async function () {
    await client?.stop();
    await server?.process.stop();
    await node?.stop();
    for (const socket of splice?.sockets ?? []) socket.destroy();
    await new Promise<void>((resolve) => (splice ? splice.server.close(() => resolve()) : resolve()));
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a Python client reaches a Python PipeInterface peer through our node: path, proof, link, resource', function () {
    expectCompleteRun(client as EventedProcess, server as ServerPeer, 2);
  });
});
