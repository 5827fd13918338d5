/**
 * Interop of the TCP interfaces with Python Reticulum: a transport node of ours whose
 * TCPClientInterface dials a Python TCPServerInterface, and whose TCPServerInterfaces (one HDLC,
 * one KISS-framed) take Python TCPClientInterfaces. A Python client on each of our listeners runs
 * its whole script (path, proven packet, link, request, resource) to the Python server behind
 * our client. Skips without Python RNS (RNS_PYTHON_PATH).
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../src/node/rns-node';
import { freePort } from '../helpers/loopback-port';
import { waitUntil } from '../integration/node/loopback-peer';
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

const RESOURCE_SIZE = 256 * 1024;

describe('Python RNS interop over TCPServerInterface and TCPClientInterface', function () {
  this.timeout(180_000);
  let rns: PythonRns | undefined;
  let dir: string | undefined;
  let node: RnsNode | undefined;
  let server: ServerPeer | undefined;
  const clients = new Map<string, EventedProcess>();

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    const [pythonPort, hdlcPort, kissPort] = [await freePort(), await freePort(), await freePort()];
    server = await startServerPeer(rns, {
      interface: 'tcp-server',
      port: pythonPort,
      extraArgs: ['--announce-interval', '2'],
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-tcp-interop-'));
    node = await startTransportNode(dir, [
      '  [[Python Server]]',
      '    type = TCPClientInterface',
      '    enabled = yes',
      '    target_host = 127.0.0.1',
      `    target_port = ${pythonPort}`,
      '    ingress_control = no',
      '  [[TCP Hub]]',
      '    type = TCPServerInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${hdlcPort}`,
      '    ingress_control = no',
      '  [[KISS Hub]]',
      '    type = TCPServerInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    port = ${kissPort}`,
      '    kiss_framing = yes',
      '    ingress_control = no',
    ]);
    const started = node;
    await waitUntil(
      () => started.status().interfaces.some((i) => i.name === 'Python Server' && i.online),
      'our TCPClientInterface connected to the Python TCPServerInterface',
      15_000,
    );
    for (const [label, kind, port] of [
      ['hdlc', 'tcp', hdlcPort],
      ['kiss', 'tcp-kiss', kissPort],
    ] as const) {
      clients.set(
        label,
        startClientPeer(rns, {
          interface: kind,
          port,
          destinationHash: server.destinationHash,
          resourceSize: RESOURCE_SIZE,
          keepalives: 1,
          stepTimeoutSec: 20,
        }),
      );
    }
    await runToEnd([...clients.values()]);
  });

  after(async function () {
    for (const client of clients.values()) await client.stop();
    await server?.process.stop();
    await node?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const label of ['hdlc', 'kiss']) {
    it(`a Python TCPClientInterface (${label}) reaches the Python server through our node: path, proof, link, resource`, async function () {
      const client = clients.get(label) as EventedProcess;
      const pathEvent = expectCompleteRun(client, server as ServerPeer, 2);
      expect(pathEvent.next_hop).to.equal(node?.status().transport?.transportId);
    });
  }

  it('carried traffic both ways on each TCP interface', function () {
    const status = (node as RnsNode).status();
    for (const name of ['Python Server', 'TCP Hub', 'KISS Hub']) {
      const entry = status.interfaces.find((i) => i.name === name);
      expect(entry?.rxPackets, `${name} received`).to.be.greaterThan(0);
      expect(entry?.txPackets, `${name} sent`).to.be.greaterThan(0);
    }
  });
});
