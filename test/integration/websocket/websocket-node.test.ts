import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../../src/node/rns-node';
import { freePort } from '../../helpers/loopback-port';
import { LoopbackPeer, testPacket, waitUntil } from '../node/loopback-peer';
import { dial, open } from './support/websocket-test-node';

/**
 * Nodes with WebSocket sections, as operators write them: MeshChat's section types between two
 * nodes, TCP Backbone peers at both ends; the live settings and peer state through the node.
 */
describe('WebSocket sections in a node (in-process nodes, loopback)', function () {
  this.timeout(20000);

  let root: string;
  const nodes: RnsNode[] = [];
  const peers: LoopbackPeer[] = [];

  async function startNode(name: string, lines: string[]): Promise<RnsNode> {
    const dir = path.join(root, name);
    await fs.mkdir(dir);
    const config = [
      '[reticulum]',
      '  relay_mode = flood',
      '[logging]',
      '  loglevel = 2',
      '[interfaces]',
      ...lines,
      '',
    ];
    await fs.writeFile(path.join(dir, 'config'), config.join('\n'));
    const node = await RnsNode.start({ configDir: dir });
    nodes.push(node);
    return node;
  }

  function backbone(port: number): string[] {
    return [
      '  [[Backbone]]',
      '    type = BackboneInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${port}`,
    ];
  }

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-ws-node-'));
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    for (const node of nodes.splice(0)) await node.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it("links two nodes with MeshChat's WebsocketServerInterface and WebsocketClientInterface sections", async () => {
    const [tcpA, tcpB, wsPort] = [await freePort(), await freePort(), await freePort()];
    const a = await startNode('a', [
      ...backbone(tcpA),
      '  [[MeshChat Server]]',
      '    type = WebsocketServerInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${wsPort}`,
    ]);
    const b = await startNode('b', [
      ...backbone(tcpB),
      '  [[MeshChat Client]]',
      '    type = WebsocketClientInterface',
      '    enabled = yes',
      `    target_url = ws://127.0.0.1:${wsPort}`,
    ]);
    await waitUntil(
      () => a.status().interfaces.find((i) => i.name === 'MeshChat Server')?.peers === 1,
      'B dialled A',
    );
    const [peerA, peerB] = [await LoopbackPeer.connect(tcpA), await LoopbackPeer.connect(tcpB)];
    peers.push(peerA, peerB);
    await waitUntil(
      () => a.status().interfaces[0]?.peers === 1 && b.status().interfaces[0]?.peers === 1,
      'both TCP peers up',
    );

    const ab = testPacket(0x21);
    peerA.send(ab);
    await waitUntil(() => peerB.count(ab) === 1, 'the packet crossed A -> WebSocket -> B');
    const ba = testPacket(0x22);
    peerB.send(ba);
    await waitUntil(() => peerA.count(ba) === 1, 'the packet crossed B -> WebSocket -> A');
    expect(peerA.received).to.deep.equal([ba]);
    expect(peerB.received).to.deep.equal([ab]);
  });

  it('serves its live settings and peer state under websocket.<name>, applied to new connections', async () => {
    const wsPort = await freePort();
    const node = await startNode('n', [
      '  [[Web]]',
      '    type = WebSocketInterface',
      '    enabled = yes',
      '    listen_ip = 127.0.0.1',
      `    listen_port = ${wsPort}`,
    ]);
    const first = await open(`ws://127.0.0.1:${wsPort}/`);
    try {
      await waitUntil(() => node.status().interfaces[0]?.peers === 1, 'one peer');
      const set = node.setRuntimeConfig('websocket.Web.max_connections', 1);
      expect(set.ok, JSON.stringify(set)).to.equal(true);
      expect((await dial(`ws://127.0.0.1:${wsPort}/`)).kind).to.equal('failed');
      const listing = node.listPeers({ interfaceName: 'Web' });
      expect(listing.ok, JSON.stringify(listing)).to.equal(true);
      if (listing.ok) expect(listing.value.peers.map((e) => e.ip)).to.deep.equal(['127.0.0.1']);
      node.resetRuntimeConfig('websocket.Web.max_connections');
      const second = await open(`ws://127.0.0.1:${wsPort}/`);
      second.terminate();
    } finally {
      first.terminate();
    }
  });
});
