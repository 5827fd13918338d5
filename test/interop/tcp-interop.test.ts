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
import { findPythonRns, PythonRns } from '../helpers/python-rns-locator';
import { EventedProcess, InteropEvent, ServerPeer, startClientPeer, startServerPeer } from './python-rns';

const CLIENT_RUN_MS = 90_000;
const RESOURCE_SIZE = 256 * 1024;

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function step(client: EventedProcess, name: string): InteropEvent {
  const event = client.events.find((e) => e.event === name);
  if (!event) throw client.failure(`step '${name}' not reached`);
  return event;
}

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
    await fs.writeFile(
      path.join(dir, 'config'),
      [
        '[reticulum]',
        '  enable_transport = yes',
        '[logging]',
        '  loglevel = 2',
        '[interfaces]',
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
        '',
      ].join('\n'),
    );
    node = await RnsNode.start({ configDir: dir, createDefaultConfig: false });
    const started = node;
    await until(
      () => started.status().interfaces.some((i) => i.name === 'Python Server' && i.online),
      'our TCPClientInterface connected to the Python TCPServerInterface',
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
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...clients.values()].map((c) => c.exited)),
      new Promise((resolve) => (timer = setTimeout(resolve, CLIENT_RUN_MS))),
    ]);
    clearTimeout(timer);
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
      const pathEvent = step(client, 'path');
      expect(pathEvent.hops).to.equal(2);
      expect(pathEvent.next_hop).to.equal(node?.status().transport?.transportId);
      step(client, 'packet_proven');
      step(client, 'link_established');
      const sent = step(client, 'resource_sent');
      const concluded = (server as ServerPeer).process.events.filter((e) => e.event === 'resource_concluded');
      expect(concluded.map((e) => e.sha256)).to.include(sent.sha256);
      expect(step(client, 'summary').ok).to.equal(true);
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
