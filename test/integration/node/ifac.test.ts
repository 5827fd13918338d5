/**
 * Interface access codes through a running node (relay mode), on real loopback sockets: frames
 * are checked and stripped where they arrive and signed where they leave, per interface; a peer
 * without the network's secret gets nothing in and nothing through.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryInterfaceFactory } from '../../../src/plugins/memory/memory-interface-factory';
import { registerInterfaceFactory } from '../../../src/registry/register-plugin';
import { RnsNode, RnsNodeOptions } from '../../../src/node/rns-node';
import { InterfaceAccessCode } from '../../../src/protocol';
import { TCP_HW_MTU } from '../../../src/plugins/tcp/tcp-constants';
import { freePort } from '../../helpers/loopback-port';
import { LoopbackPeer, testPacket, waitUntil } from './loopback-peer';

const SECRET = { networkName: 'rns-net test', passphrase: 'correct horse', size: 16 };

function serverSection(name: string, port: number, extra = ''): string {
  return `  [[${name}]]\n    type = BackboneInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = ${port}\n${extra}`;
}

describe('IFAC through RnsNode (loopback Backbone peers)', function () {
  this.timeout(20000);

  let root: string;
  const nodes: RnsNode[] = [];
  const peers: LoopbackPeer[] = [];
  const code = InterfaceAccessCode.fromCredentials(SECRET);

  async function startNode(config: string, options: Partial<RnsNodeOptions> = {}): Promise<RnsNode> {
    const dir = await fs.mkdtemp(path.join(root, 'node-'));
    // The flood relay carries every frame (these tests are about IFAC, not routing); appended so
    // the config's line numbers stay as written.
    await fs.writeFile(path.join(dir, 'config'), `${config}\n[reticulum]\n  relay_mode = flood\n`);
    const node = await RnsNode.start({ ...options, configDir: dir });
    nodes.push(node);
    return node;
  }

  async function connect(port: number): Promise<LoopbackPeer> {
    const peer = await LoopbackPeer.connect(port);
    peers.push(peer);
    return peer;
  }

  const statusOf = (node: RnsNode, name: string) => node.status().interfaces.find((i) => i.name === name)!;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-ifac-'));
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    for (const node of nodes.splice(0)) await node.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('checks and strips codes on receipt, adds ours per interface on sending, and locks out peers without the secret', async () => {
    const [securePort, openPort] = [await freePort(), await freePort()];
    const ifacKeys = `    networkname = ${SECRET.networkName}\n    passphrase = ${SECRET.passphrase}\n`;
    const node = await startNode(
      `[logging]\n  loglevel = 2\n\n[interfaces]\n${serverSection('Secure', securePort, ifacKeys)}${serverSection('Open', openPort)}`,
    );
    expect(statusOf(node, 'Secure').ifac).to.deep.equal({ networkName: SECRET.networkName, size: 16 });
    expect(statusOf(node, 'Open').ifac).to.equal(null);
    const [s1, s2, o1] = [await connect(securePort), await connect(securePort), await connect(openPort)];
    await waitUntil(
      () => statusOf(node, 'Secure').peers === 2 && statusOf(node, 'Open').peers === 1,
      'peers up',
    );

    // A member's packet reaches the other member with the code, the open side without it.
    const p1 = testPacket(1);
    s1.send(code.apply(p1));
    await waitUntil(() => s2.received.length === 1 && o1.received.length === 1, 'P1 delivered');
    expect(s2.received[0].equals(code.apply(p1))).to.equal(true);
    expect(o1.received[0].equals(p1)).to.equal(true);

    // An open peer's packet reaches both members with the code added.
    const p2 = testPacket(2);
    o1.send(p2);
    await waitUntil(() => s1.count(code.apply(p2)) === 1 && s2.count(code.apply(p2)) === 1, 'P2 delivered');

    // Locked out: a plain frame, a wrong passphrase, a wrong size on the IFAC interface; a flagged
    // frame on the open one. None goes anywhere.
    const wrong = InterfaceAccessCode.fromCredentials({ ...SECRET, passphrase: 'wrong horse' });
    const short = InterfaceAccessCode.fromCredentials({ ...SECRET, size: 8 });
    s1.send(testPacket(3));
    s1.send(wrong.apply(testPacket(4)));
    s1.send(short.apply(testPacket(5)));
    o1.send(code.apply(testPacket(6)));
    // Markers sent after them on the same connections prove they would have arrived by now.
    const m1 = testPacket(7);
    const m2 = testPacket(8);
    s1.send(code.apply(m1));
    o1.send(m2);
    await waitUntil(() => o1.count(m1) === 1 && s2.count(code.apply(m2)) === 1, 'markers delivered');
    expect(s2.received.map((f) => code.verifyAndStrip(f)?.toString('hex'))).to.deep.equal(
      [p1, p2, m1, m2].map((p) => p.toString('hex')),
    );
    expect(o1.received.map((p) => p.toString('hex'))).to.deep.equal([p1, m1].map((p) => p.toString('hex')));
    expect(statusOf(node, 'Secure').rxIfacDropped).to.equal(3);
    expect(statusOf(node, 'Open').rxIfacDropped).to.equal(1);
  });

  it('carries frames between two nodes over an IFAC Backbone link, and none from a node with another passphrase', async () => {
    const [hubPort, edgePort, strangerPort] = [await freePort(), await freePort(), await freePort()];
    const ifacKeys = (passphrase: string) =>
      `    network_name = ${SECRET.networkName}\n    pass_phrase = ${passphrase}\n`;
    await startNode(
      `[logging]\n  loglevel = 2\n\n[interfaces]\n${serverSection('Backbone', hubPort, ifacKeys(SECRET.passphrase))}`,
    );
    const client = (name: string, passphrase: string, port: number) =>
      `[logging]\n  loglevel = 2\n\n[interfaces]\n  [[Uplink]]\n    type = BackboneInterface\n    enabled = yes\n    remote = 127.0.0.1\n    target_port = ${hubPort}\n${ifacKeys(passphrase)}${serverSection(name, port)}`;
    const edge = await startNode(client('Local', SECRET.passphrase, edgePort));
    const stranger = await startNode(client('Local', 'another passphrase', strangerPort));
    const [e, s] = [await connect(edgePort), await connect(strangerPort)];
    await waitUntil(
      () =>
        statusOf(edge, 'Uplink').online &&
        statusOf(stranger, 'Uplink').online &&
        statusOf(edge, 'Local').peers === 1,
      'nodes connected',
    );
    const fromEdge = testPacket(11);
    const fromStranger = testPacket(12);
    s.send(fromStranger);
    e.send(fromEdge);
    // The stranger's frames never pass the hub, and the hub's never pass the stranger's uplink.
    await waitUntil(
      () => statusOf(stranger, 'Uplink').rxIfacDropped === 1,
      'the stranger dropped the relayed frame',
    );
    const marker = testPacket(13);
    e.send(marker);
    await waitUntil(() => statusOf(edge, 'Uplink').txPackets === 2, 'edge sent both');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(s.received).to.deep.equal([]);
    expect(e.received).to.deep.equal([]);
    expect(statusOf(stranger, 'Uplink').rxIfacDropped).to.be.at.least(1);
  });

  it('takes a frame of HW_MTU plus the code, as Python does, and drops a longer one', async () => {
    const port = await freePort();
    const node = await startNode(
      `[logging]\n  loglevel = 2\n\n[interfaces]\n  [[Tcp]]\n    type = TCPServerInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = ${port}\n    networkname = ${SECRET.networkName}\n    passphrase = ${SECRET.passphrase}\n`,
    );
    const [a, b] = [await connect(port), await connect(port)];
    await waitUntil(() => statusOf(node, 'Tcp').peers === 2, 'peers up');
    const sized = (length: number, tag: number): Buffer => {
      const packet = Buffer.alloc(length, tag);
      testPacket(tag).copy(packet);
      return packet;
    };
    const full = sized(TCP_HW_MTU, 1);
    a.send(code.apply(sized(TCP_HW_MTU + 1, 2)));
    a.send(code.apply(full));
    await waitUntil(() => b.received.length === 1, 'the HW_MTU packet relayed', 10_000);
    expect(code.verifyAndStrip(b.received[0])?.equals(full)).to.equal(true);
  });

  it('reports a bad ifac_size with file, line, section and key, and skips that interface', async () => {
    const [good, bad] = [await freePort(), await freePort()];
    const node = await startNode(
      `[logging]\n  loglevel = 2\n\n[interfaces]\n${serverSection('Good', good)}${serverSection('Bad', bad, '    passphrase = p\n    ifac_size = 4\n')}`,
    );
    expect(node.status().interfaces.map((i) => i.name)).to.deep.equal(['Good']);
    const [problem] = node.startupProblems;
    expect(problem.message).to.match(/config:16 \[Bad\] 'ifac_size': must be 8\.\.512 bits, got '4'$/);
  });

  it("sizes a code by the plugin's defaultIfacSize unless the section sets ifac_size", async () => {
    // A plugin on a slow medium declares 8 bytes, as Python's serial and radio interfaces do.
    const narrow = Object.assign(new MemoryInterfaceFactory(), { defaultIfacSize: 8 });
    const node = await startNode(
      `[interfaces]\n  [[Narrow]]\n    type = MemoryInterface\n    enabled = yes\n    pipe = p\n    networkname = n\n` +
        `  [[Sized]]\n    type = MemoryInterface\n    enabled = yes\n    pipe = p\n    networkname = n\n    ifac_size = 128\n`,
      { plugins: (container) => registerInterfaceFactory(container, narrow) },
    );
    expect(statusOf(node, 'Narrow').ifac).to.deep.equal({ networkName: 'n', size: 8 });
    expect(statusOf(node, 'Sized').ifac).to.deep.equal({ networkName: 'n', size: 16 });
    expect(node.driver.entry(statusOf(node, 'Narrow').id)?.info.ifacSize).to.equal(8);
    expect(node.driver.entry(statusOf(node, 'Sized').id)?.info.ifacSize).to.equal(16);
  });
});
