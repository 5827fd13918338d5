/**
 * Interoperability of the transport engine with real Python Reticulum: our node runs in-process
 * as a transport node (`enable_transport = yes`, one BackboneInterface server on loopback); two
 * Python RNS instances without transport (A: server role over a Backbone client, B: client role
 * over a TCP client) reach each other through it; a raw TCP peer C only listens, and a raw peer D
 * injects forged and tampered announces.
 *
 * Skips when Python RNS is absent: set RNS_PYTHON_PATH to an unpacked Reticulum source tree.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { frame, HdlcDecoder } from '../../src/core/hdlc';
import { RnsNode } from '../../src/node/rns-node';
import { parsePacket, Packet } from '../../src/protocol/packet';
import { HeaderType, PacketType } from '../../src/protocol/packet-constants';
import { freePort } from '../helpers/loopback-port';
import { waitUntil } from '../integration/node/loopback-peer';
import { findPythonRns, PythonRns } from '../helpers/python-rns-locator';
import {
  CLIENT_RUN_MS,
  EventedProcess,
  field,
  Hub,
  InteropEvent,
  runToEnd,
  ServerPeer,
  startClientPeer,
  startHub,
  startServerPeer,
  startTransportNode,
} from './python-rns';

/** "Multi-MiB": the resource A receives from B through the node. */
const RESOURCE_SIZE = 2 * 1024 * 1024;

/** A raw TCP peer on the node: records every packet it receives, can send frames. */
class RawPeer {
  readonly packets: Packet[] = [];
  bytes = 0;
  private readonly decoder = new HdlcDecoder();

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk, (raw) => {
        this.bytes += raw.length;
        const packet = parsePacket(Buffer.from(raw));
        if (packet.ok) this.packets.push(packet);
      });
    });
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  send(raw: Uint8Array): void {
    this.socket.write(frame(raw));
  }

  /** Bytes of received packets that are not announces. */
  nonAnnounceBytes(): number {
    return this.packets
      .filter((p) => p.packetType !== PacketType.ANNOUNCE)
      .reduce((sum, p) => sum + p.raw.length, 0);
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('Python RNS interop through the transport engine', function () {
  this.timeout(180_000);
  let rns: PythonRns | undefined;
  let dir: string;
  let node: RnsNode | undefined;
  let port: number;
  let transportId: string;
  let server: ServerPeer | undefined;
  let client: EventedProcess | undefined;
  let passive: RawPeer | undefined;
  let injector: RawPeer | undefined;
  let clientEvents: InteropEvent[] = [];

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-transport-interop-'));
    port = await freePort();
    node = await startTransportNode(dir, [
      '  [[Hub]]',
      '    type = BackboneInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${port}`,
      // Python peers announce right after connecting: a new interface's 3/s burst threshold
      // is not what these tests are about.
      '    ingress_control = no',
    ]);
    transportId = node.status().transport?.transportId as string;
    passive = await RawPeer.connect(port);
    injector = await RawPeer.connect(port);
    server = await startServerPeer(rns, { interface: 'backbone', port });
    client = startClientPeer(rns, {
      interface: 'tcp',
      port,
      destinationHash: server.destinationHash,
      resourceSize: RESOURCE_SIZE,
      keepalives: 1,
      stepTimeoutSec: 20,
    });
    await runToEnd([client]);
    clientEvents = client.events;
  });

  after(async function () {
    passive?.close();
    injector?.close();
    await client?.stop();
    await server?.process.stop();
    await node?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const clientStep = (name: string): InteropEvent => {
    const event = clientEvents.find((e) => e.event === name);
    if (!event) throw (client as EventedProcess).failure(`step '${name}' not reached`);
    return event;
  };

  it("B learns A's path with hops = 2 and our transport id as next hop, and sends in transport (HEADER_2)", function () {
    const pathEvent = clientStep('path');
    expect(field<number>(pathEvent, 'hops')).to.equal(2);
    expect(field<string>(pathEvent, 'next_hop')).to.equal(transportId);
    expect(
      node?.transport?.counters.forwardedTransport,
      'packets B sent in transport to us',
    ).to.be.greaterThan(0);
  });

  it("answers the late joiner's path request from its table", function () {
    expect(field<number>(clientStep('path'), 'requests')).to.be.at.least(1);
    expect(node?.transport?.counters.pathRequestsAnswered).to.be.at.least(1);
  });

  it('carries a proven packet, a link with a request, keepalives and a multi-MiB resource', async function () {
    clientStep('packet_proven');
    const established = clientStep('link_established');
    clientStep('response');
    const sent = clientStep('resource_sent');
    const concluded = await (server as ServerPeer).process.waitFor('resource_concluded', 5_000);
    expect(field<boolean>(concluded, 'ok')).to.equal(true);
    expect(field<number>(concluded, 'size')).to.equal(RESOURCE_SIZE);
    expect(field<string>(concluded, 'sha256')).to.equal(field<string>(sent, 'sha256'));
    expect(field<number>(established, 'mtu'), 'the TCP client end signals 8192').to.equal(8192);
    expect(clientStep('summary').ok).to.equal(true);
    const counters = node?.transport?.counters;
    expect(counters?.forwardedLink, 'link packets routed by the link table').to.be.greaterThan(100);
    expect(counters?.forwardedLinkProofs).to.be.at.least(1);
    expect(counters?.forwardedProofs, 'the single packet proof, along the reverse table').to.be.at.least(1);
  });

  it('a third connected peer receives none of the A-B traffic (in bytes), only announces', function () {
    const c = passive as RawPeer;
    expect(c.nonAnnounceBytes()).to.equal(0);
    expect(c.bytes, 'announces only: far below the resource').to.be.lessThan(10_000);
    const announces = c.packets.filter((p) => p.packetType === PacketType.ANNOUNCE);
    const destinations = new Set(announces.map((p) => Buffer.from(p.destinationHash).toString('hex')));
    expect(destinations.has((server as ServerPeer).destinationHash)).to.equal(true);
    for (const announce of announces) {
      expect(announce.headerType, 'rebroadcast in transport').to.equal(HeaderType.HEADER_2);
      expect(Buffer.from(announce.transportId as Uint8Array).toString('hex')).to.equal(transportId);
      expect(announce.hops).to.equal(1);
    }
  });

  it('does not pass on forged or tampered announces', async function () {
    const c = passive as RawPeer;
    const d = injector as RawPeer;
    const original = c.packets.find(
      (p) =>
        p.packetType === PacketType.ANNOUNCE &&
        Buffer.from(p.destinationHash).toString('hex') === (server as ServerPeer).destinationHash,
    ) as Packet;
    // As A sent it: HEADER_1, hops 0, the same destination, context and data.
    const asSent = (data: Buffer): Buffer =>
      Buffer.concat([
        Buffer.from([original.raw[0] & 0x2f, 0]),
        Buffer.from(original.destinationHash),
        Buffer.from([original.context]),
        data,
      ]);
    const data = Buffer.from(original.data);
    const tamperedAppData = Buffer.from(data);
    tamperedAppData[tamperedAppData.length - 1] ^= 0x55;
    const tamperedRandom = Buffer.from(data);
    tamperedRandom[64 + 10] ^= 0x01;
    const forgedSignature = Buffer.from(data);
    forgedSignature.fill(0x42, 64 + 10 + 10, 64 + 10 + 10 + 64);
    const forged = [tamperedAppData, tamperedRandom, forgedSignature];
    // Refused either way: by its signature, or, once A's rebroadcast is done, unverified as a copy
    // of the path's own random blob that could change nothing (the tampered random blob is new,
    // so that one is always verified).
    const refused = () => {
      const counters = node?.transport?.counters;
      return (counters?.announcesInvalidSignature ?? 0) + (counters?.announcesRedundant ?? 0);
    };
    const before = refused();
    const invalidBefore = node?.transport?.counters.announcesInvalidSignature ?? 0;
    const seenBefore = c.packets.length;
    for (const bad of forged) d.send(asSent(bad));
    await waitUntil(() => refused() >= before + forged.length, 'the node refused all three', 10_000);
    expect(node?.transport?.counters.announcesInvalidSignature).to.be.at.least(invalidBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const later = c.packets.slice(seenBefore).filter((p) => p.packetType === PacketType.ANNOUNCE);
    for (const packet of later) {
      for (const bad of forged)
        expect(Buffer.from(packet.data).equals(bad), 'a forged announce was passed on').to.equal(false);
    }
    expect(d.packets.filter((p) => forged.some((bad) => Buffer.from(p.data).equals(bad)))).to.deep.equal([]);
  });
});

describe('Python RNS interop through a chain of two transport nodes', function () {
  this.timeout(180_000);
  let rns: PythonRns | undefined;
  let root: string;
  const nodes: RnsNode[] = [];
  let server: ServerPeer | undefined;
  let client: EventedProcess | undefined;

  async function startNode(name: string, sections: string[]): Promise<RnsNode> {
    const dir = path.join(root, name);
    await fs.mkdir(dir);
    const node = await startTransportNode(dir, sections);
    nodes.push(node);
    return node;
  }

  const serverSection = (port: number) =>
    `  [[Hub]]\n    type = BackboneInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = ${port}\n    ingress_control = no`;

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-chain-'));
    const [port1, port2] = [await freePort(), await freePort()];
    const first = await startNode('first', [serverSection(port1)]);
    const second = await startNode('second', [
      serverSection(port2),
      `  [[Uplink]]\n    type = BackboneInterface\n    enabled = yes\n    remote = 127.0.0.1\n    target_port = ${port1}\n    ingress_control = no`,
    ]);
    await waitUntil(
      () => second.status().interfaces.some((i) => i.name === 'Uplink' && i.online),
      'the uplink connected',
      10_000,
    );
    await waitUntil(
      () => (first.transport?.counters.tunnelsSynthesized ?? 0) >= 1,
      'the uplink synthesised its tunnel',
      10_000,
    );
    server = await startServerPeer(rns, { interface: 'backbone', port: port1 });
    client = startClientPeer(rns, {
      interface: 'tcp',
      port: port2,
      destinationHash: server.destinationHash,
      resourceSize: 1024 * 1024,
      keepalives: 0,
      stepTimeoutSec: 20,
    });
    await runToEnd([client]);
  });

  after(async function () {
    await client?.stop();
    await server?.process.stop();
    for (const node of nodes.splice(0)) await node.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('Python - ours - ours - Python: B sees A 3 hops away via the second node, and everything arrives', async function () {
    const step = (name: string) => (client as EventedProcess).step(name);
    const pathEvent = step('path');
    expect(field<number>(pathEvent, 'hops')).to.equal(3);
    expect(field<string>(pathEvent, 'next_hop')).to.equal(nodes[1]?.status().transport?.transportId);
    step('packet_proven');
    step('link_established');
    const sent = step('resource_sent');
    const concluded = await (server as ServerPeer).process.waitFor('resource_concluded', 5_000);
    expect(field<string>(concluded, 'sha256')).to.equal(field<string>(sent, 'sha256'));
    expect(step('summary').ok).to.equal(true);
    for (const node of nodes) expect(node.transport?.counters.forwardedLink).to.be.greaterThan(50);
  });
});

describe('Python RNS interop: a client that reconnects gets its paths back (tunnels)', function () {
  this.timeout(120_000);
  let rns: PythonRns | undefined;
  let dir: string;
  let node: RnsNode | undefined;
  let server: ServerPeer | undefined;
  let client: EventedProcess | undefined;

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
  });

  after(async function () {
    await client?.stop();
    await server?.process.stop();
    await node?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('restores the paths behind a reconnecting Python client without a new announce, and answers for them', async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-tunnel-interop-'));
    const port = await freePort();
    node = await startTransportNode(dir, [
      '  [[Hub]]',
      '    type = BackboneInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${port}`,
      '    ingress_control = no',
    ]);
    const engine = node.transport;
    // A announces once (no re-announce): after its reconnect only the tunnel can bring its path back.
    server = await startServerPeer(rns!, { interface: 'backbone', port });
    await waitUntil(
      () => engine?.view.paths({ destination: server?.destinationHash }).length === 1,
      'A has a path',
      10_000,
    );
    await waitUntil(
      () => (engine?.counters.tunnelsSynthesized ?? 0) >= 1,
      'A synthesised its tunnel',
      10_000,
    );
    const before = engine?.view.paths({ destination: server.destinationHash })[0];

    // Drop A's connection; its path goes with the interface, the tunnel keeps it.
    node.blacklistPeer('Hub', '127.0.0.1', 1, 'interop: force a reconnect');
    await waitUntil(
      () => engine?.view.paths({ destination: server?.destinationHash }).length === 0,
      'the path was culled',
      15_000,
    );
    await waitUntil(
      () => (engine?.counters.tunnelPathsRestored ?? 0) >= 1,
      'A reconnected and its path came back',
      30_000,
    );
    const after = engine?.view.paths({ destination: server.destinationHash })[0];
    expect(after?.interfaceId).to.not.equal(before?.interfaceId);
    expect(after?.hops).to.equal(1);

    client = startClientPeer(rns!, {
      interface: 'tcp',
      port,
      destinationHash: server.destinationHash,
      resourceSize: 0,
      keepalives: 0,
      stepTimeoutSec: 20,
    });
    const pathEvent = await client.waitFor('path', 30_000);
    expect(field<number>(pathEvent, 'hops')).to.equal(2);
    await client.waitFor('link_established', 20_000);
  });
});

describe('Python RNS interop: Python - ours - rnsd - Python, and a restart that keeps the transport id and the paths', function () {
  this.timeout(240_000);
  let rns: PythonRns | undefined;
  let root: string;
  let dir: string;
  let hub: Hub | undefined;
  let node: RnsNode | undefined;
  let nodePort: number;
  /** A: announces via our node (a Backbone client on our listener). */
  let viaOurs: ServerPeer | undefined;
  /** B: announces via the rnsd (a TCP client of it); our node learns its path over the uplink. */
  let viaRnsd: ServerPeer | undefined;
  const clients: EventedProcess[] = [];
  /** The transport id of the rnsd whose identity file our node was given. */
  let copiedId: string;

  const startNode = async (): Promise<RnsNode> => {
    node = await RnsNode.start({ configDir: dir, createDefaultConfig: false });
    await waitUntil(
      () => node?.status().interfaces.some((i) => i.name === 'Uplink' && i.online) === true,
      'the uplink to the rnsd connected',
      20_000,
    );
    return node;
  };

  /** Runs a client to `destination` from a peer on `port` to its summary, and returns its events. */
  const runClient = async (port: number, destination: string): Promise<EventedProcess> => {
    const client = startClientPeer(rns!, {
      interface: 'tcp',
      port,
      destinationHash: destination,
      resourceSize: 256 * 1024,
      keepalives: 0,
      stepTimeoutSec: 20,
    });
    clients.push(client);
    await client.waitFor('summary', CLIENT_RUN_MS);
    return client;
  };

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-rnsd-chain-'));
    dir = path.join(root, 'node');
    await fs.mkdir(path.join(dir, 'storage'), { recursive: true });
    // An rnsd's transport identity, copied into our storage before our first start.
    const donor = await startHub('python', rns);
    try {
      const ready = donor.process?.find('ready');
      copiedId = field<string>(ready, 'transport_id');
      await fs.copyFile(
        field<string>(ready, 'identity_file'),
        path.join(dir, 'storage', 'transport_identity'),
      );
    } finally {
      await donor.stop();
    }
    hub = await startHub('python', rns);
    nodePort = await freePort();
    await fs.writeFile(
      path.join(dir, 'config'),
      [
        '[reticulum]',
        '  enable_transport = yes',
        '[logging]',
        '  loglevel = 2',
        '[interfaces]',
        '  [[Hub]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    listen_ip = 127.0.0.1',
        `    listen_port = ${nodePort}`,
        '    ingress_control = no',
        '  [[Uplink]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    remote = 127.0.0.1',
        `    target_port = ${hub.port}`,
        '    ingress_control = no',
        '',
      ].join('\n'),
    );
    await startNode();
    viaOurs = await startServerPeer(rns, { interface: 'backbone', port: nodePort });
    viaRnsd = await startServerPeer(rns, { interface: 'tcp', port: hub.port });
    await waitUntil(
      () =>
        node?.transport?.view.paths({ destination: viaRnsd?.destinationHash }).length === 1 &&
        node?.transport?.view.paths({ destination: viaOurs?.destinationHash }).length === 1,
      'our node has paths to both servers',
      20_000,
    );
  });

  after(async function () {
    for (const client of clients.splice(0)) await client.stop();
    await viaOurs?.process.stop();
    await viaRnsd?.process.stop();
    await node?.stop();
    await hub?.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it("keeps the transport id of an rnsd's storage/transport_identity copied into its storage", function () {
    expect(node?.status().transport?.transportId).to.equal(copiedId);
  });

  it('Python A announces via our node to the rnsd and Python B there links to A across both', async function () {
    const client = await runClient(hub!.port, viaOurs!.destinationHash);
    const pathEvent = client.find('path');
    expect(field<number>(pathEvent, 'hops'), 'A -> ours -> rnsd -> B').to.equal(3);
    expect(field<string>(pathEvent, 'next_hop')).to.equal(
      field<string>(hub?.process?.find('ready'), 'transport_id'),
    );
    expect(client.find('link_established')).to.not.equal(undefined);
    const sent = client.find('resource_sent');
    const concluded = await viaOurs!.process.waitFor('resource_concluded', 10_000);
    expect(field<string>(concluded, 'sha256')).to.equal(field<string>(sent, 'sha256'));
    expect(node?.transport?.counters.forwardedLink).to.be.greaterThan(10);
  });

  it('after a restart: the same transport id, the stored path over the uplink, and a path request answered from it without a new announce', async function () {
    await node?.stop();
    const restarted = await startNode();
    const engine = restarted.transport;
    expect(restarted.status().transport?.transportId).to.equal(copiedId);
    expect(engine?.counters.pathsRestored).to.be.at.least(1);
    const stored = engine?.view.paths({ destination: viaRnsd!.destinationHash })[0];
    expect(stored, 'the path to B came back from storage').to.not.equal(undefined);
    expect(stored?.interfaceName).to.equal('Uplink');
    expect(stored?.hops).to.equal(2);

    // B announced once, at its start, before the restart: only the stored path can answer.
    const client = await runClient(nodePort, viaRnsd!.destinationHash);
    const pathEvent = client.find('path');
    expect(field<number>(pathEvent, 'hops'), 'B -> rnsd -> ours -> client').to.equal(3);
    expect(field<string>(pathEvent, 'next_hop')).to.equal(copiedId);
    expect(engine?.counters.pathRequestsAnswered).to.be.at.least(1);
    expect(client.find('link_established')).to.not.equal(undefined);
  });
});
