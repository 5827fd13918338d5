/**
 * Interop of UDPInterface with Python Reticulum, unicast on loopback: a Python peer's
 * UDPInterface and our transport node's UDPInterface send to each other's listen port; a Python
 * client on our TCPServerInterface runs its whole script (path, proven packet, link, request,
 * resource) to the Python server behind the UDP link. Skips without Python RNS.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
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

describe('Python RNS interop over UDPInterface (unicast, loopback)', function () {
  this.timeout(180_000);
  let rns: PythonRns | undefined;
  let dir: string | undefined;
  let node: RnsNode | undefined;
  let server: ServerPeer | undefined;
  let client: EventedProcess | undefined;

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    const [pythonUdp, ourUdp, tcpPort] = [await freePort(), await freePort(), await freePort()];
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-udp-interop-'));
    node = await startTransportNode(dir, [
      '  [[UDP Link]]',
      '    type = UDPInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${ourUdp}`,
      '    forward_ip = 127.0.0.1',
      `    forward_port = ${pythonUdp}`,
      '    ingress_control = no',
      '  [[TCP Hub]]',
      '    type = TCPServerInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${tcpPort}`,
      '    ingress_control = no',
    ]);
    server = await startServerPeer(rns, {
      interface: 'udp',
      port: pythonUdp,
      extraArgs: ['--forward-port', String(ourUdp), '--announce-interval', '2'],
    });
    client = startClientPeer(rns, {
      interface: 'tcp',
      port: tcpPort,
      destinationHash: server.destinationHash,
      resourceSize: 128 * 1024,
      keepalives: 1,
      stepTimeoutSec: 20,
    });
    await runToEnd([client]);
  });

  after(async function () {
    await client?.stop();
    await server?.process.stop();
    await node?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a Python client reaches a Python UDPInterface peer through our node: path, proof, link, resource', function () {
    expectCompleteRun(client as EventedProcess, server as ServerPeer, 2);
  });

  it('carried it as datagrams both ways', function () {
    const udp = (node as RnsNode).status().interfaces.find((i) => i.name === 'UDP Link');
    expect(udp?.rxPackets).to.be.greaterThan(10);
    expect(udp?.txPackets).to.be.greaterThan(10);
    expect(udp?.kind).to.equal('single');
  });
});
