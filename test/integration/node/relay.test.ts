import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../../src/node/rns-node';
import { freePort } from '../../helpers/loopback-port';
import { backboneServerConfig } from './cli-process';
import { CONTEXT_KEEPALIVE, LoopbackPeer, testPacket, waitUntil } from './loopback-peer';

describe('relaying through RnsNode (in-process, loopback TCP peers)', function () {
  this.timeout(20000);

  let root: string;
  const nodes: RnsNode[] = [];
  const peers: LoopbackPeer[] = [];

  async function startNode(name: string, config: string): Promise<RnsNode> {
    const dir = path.join(root, name);
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'config'), config);
    const node = await RnsNode.start({ configDir: dir });
    nodes.push(node);
    return node;
  }

  async function connect(port: number): Promise<LoopbackPeer> {
    const peer = await LoopbackPeer.connect(port);
    peers.push(peer);
    return peer;
  }

  const peersOf = (node: RnsNode, name: string): number =>
    node.status().interfaces.find((i) => i.name === name)?.peers ?? -1;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-relay-'));
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    for (const node of nodes.splice(0)) await node.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('forwards a frame from one peer to the other two, never back, and drops a duplicate', async () => {
    const port = await freePort();
    const node = await startNode('hub', backboneServerConfig([{ name: 'Hub', port }]));
    const [a, b, c] = [await connect(port), await connect(port), await connect(port)];
    await waitUntil(() => peersOf(node, 'Hub') === 3, 'three peers are connected');

    const p1 = testPacket(1);
    a.send(p1);
    await waitUntil(() => b.count(p1) === 1 && c.count(p1) === 1, 'B and C got P1');

    // The same packet again, from another peer: a duplicate by packet hash, dropped. A marker
    // sent after it on the same connection proves the duplicate would have arrived by now.
    b.send(p1);
    const marker = testPacket(2);
    b.send(marker);
    await waitUntil(() => a.count(marker) === 1 && c.count(marker) === 1, 'A and C got the marker');
    expect(c.received).to.deep.equal([p1, marker]);
    expect(a.received).to.deep.equal([marker]);
    expect(b.received).to.deep.equal([p1]);

    const status = node.status();
    expect(status.relay).to.include({ received: 3, duplicatesDropped: 1, deliveries: 4 });
    expect(status.interfaces[0]).to.include({ rxPackets: 3, txPackets: 4, rxBytes: 3 * p1.length, peers: 3 });
  });

  it('relays keepalives every time (dedup-exempt context)', async () => {
    const port = await freePort();
    const node = await startNode('hub', backboneServerConfig([{ name: 'Hub', port }]));
    const [a, b] = [await connect(port), await connect(port)];
    await waitUntil(() => peersOf(node, 'Hub') === 2, 'two peers are connected');
    const keepalive = testPacket(7, CONTEXT_KEEPALIVE);
    a.send(keepalive);
    a.send(keepalive);
    a.send(keepalive);
    await waitUntil(() => b.count(keepalive) === 3, 'B got three keepalives');
    expect(node.status().relay).to.include({ duplicatesDropped: 0 });
  });

  it("keeps the traffic of peers that left in their listener's counters", async () => {
    const port = await freePort();
    const node = await startNode('hub', backboneServerConfig([{ name: 'Hub', port }]));
    const [a, b] = [await connect(port), await connect(port)];
    await waitUntil(() => peersOf(node, 'Hub') === 2, 'two peers are connected');
    a.send(testPacket(3));
    await waitUntil(() => b.received.length === 1, 'B got the packet');
    a.close();
    await waitUntil(() => peersOf(node, 'Hub') === 1, 'A is gone');
    expect(node.status().interfaces[0]).to.include({ rxPackets: 1, txPackets: 1, peers: 1 });
  });

  it('two relays joined by two links (a loop): frames cross once and do not storm', async () => {
    const [port1, port2] = [await freePort(), await freePort()];
    const node1 = await startNode('one', backboneServerConfig([{ name: 'One', port: port1 }]));
    const clientSection = (name: string): string =>
      `  [[${name}]]\n    type = BackboneInterface\n    enabled = yes\n    remote = 127.0.0.1\n    target_port = ${port1}\n`;
    const node2 = await startNode(
      'two',
      backboneServerConfig([{ name: 'Two', port: port2 }]) + clientSection('LinkA') + clientSection('LinkB'),
    );
    const online = (node: RnsNode, name: string): boolean =>
      node.status().interfaces.find((i) => i.name === name)?.online === true;
    await waitUntil(() => online(node2, 'LinkA') && online(node2, 'LinkB'), 'both links are up');
    const p1 = await connect(port1);
    const [p2, p3] = [await connect(port2), await connect(port2)];
    await waitUntil(
      () => peersOf(node1, 'One') === 3 && peersOf(node2, 'Two') === 2,
      'all peers are connected',
    );

    const x = testPacket(10);
    const marker = testPacket(11);
    p1.send(x);
    p1.send(marker);
    await waitUntil(() => p2.count(marker) === 1 && p3.count(marker) === 1, 'P2 and P3 got the marker');
    expect(p2.received).to.deep.equal([x, marker]);
    expect(p3.received).to.deep.equal([x, marker]);

    // Each frame reaches node2 over both links (one copy dropped there) and is echoed back to
    // node1 over the other link (dropped there): two frames, so two duplicates on each node.
    await waitUntil(
      () => node1.relay?.counters.duplicatesDropped === 2 && node2.relay?.counters.duplicatesDropped === 2,
      'both echoes were dropped',
    );
    // A round trip the other way flushes anything still in flight, then nothing has grown.
    const back = testPacket(12);
    p2.send(back);
    await waitUntil(() => p1.count(back) === 1 && p3.count(back) === 1, 'P1 and P3 got the reply');
    await waitUntil(
      () => node1.relay?.counters.duplicatesDropped === 3 && node2.relay?.counters.duplicatesDropped === 3,
      'the reply echo was dropped',
    );
    expect(p1.received).to.deep.equal([back]);
    expect(node1.relay?.counters.received).to.equal(6);
    expect(node2.relay?.counters.received).to.equal(6);
  });
});
