import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RNS_ERR_CONFIG } from '../../../src/core/error-codes';
import { ConfigError } from '../../../src/core/errors';
import { RnsNode } from '../../../src/node/rns-node';
import { canConnect, freePort } from '../../helpers/loopback-port';
import { Scrape, httpRequest } from '../../helpers/prometheus-scrape';
import { ATTACKER_IP, attemptFrom, closedWithin } from '../backbone/support/abuse-test-support';
import { backboneServerConfig } from './cli-process';
import { LoopbackPeer, testPacket, waitUntil } from './loopback-peer';

/** A `[metrics]` section followed by a node config with one Backbone server `Hub`. */
function metricsConfig(
  metrics: Record<string, string | number>,
  hubPort: number,
  forwarding: 'flood' | 'transport' = 'flood',
): string {
  const keys = Object.entries(metrics).map(([k, v]) => `  ${k} = ${v}\n`);
  return `[metrics]\n${keys.join('')}\n${backboneServerConfig([{ name: 'Hub', port: hubPort }], 2, forwarding)}`;
}

describe('metrics endpoint of a running node (loopback)', function () {
  this.timeout(20000);

  let root: string;
  const nodes: RnsNode[] = [];
  const peers: LoopbackPeer[] = [];

  async function writeConfig(name: string, config: string): Promise<string> {
    const dir = path.join(root, name);
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'config'), config);
    return dir;
  }

  async function startNode(name: string, config: string): Promise<RnsNode> {
    const node = await RnsNode.start({ configDir: await writeConfig(name, config) });
    nodes.push(node);
    return node;
  }

  async function connect(port: number): Promise<LoopbackPeer> {
    const peer = await LoopbackPeer.connect(port);
    peers.push(peer);
    return peer;
  }

  const peersOf = (node: RnsNode): number => node.status().interfaces[0]?.peers ?? -1;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-metrics-'));
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    for (const node of nodes.splice(0)) await node.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('serves no endpoint without a [metrics] section', async () => {
    const node = await startNode('plain', backboneServerConfig([{ name: 'Hub', port: await freePort() }], 2));
    expect(node.metricsUrl).to.equal(undefined);
  });

  it('counts traffic per interface, peers summed under their listener, departed peers kept', async () => {
    const [hubPort, metricsPort] = [await freePort(), await freePort()];
    const node = await startNode(
      'flood',
      metricsConfig({ enabled: 'yes', listen_port: metricsPort, per_peer: 'yes' }, hubPort),
    );
    expect(node.metricsUrl).to.equal(`http://127.0.0.1:${metricsPort}/metrics`);
    const url = node.metricsUrl as string;

    const idle = await Scrape.of(url);
    expect(idle.value('rnsnet_info', { forwarding: 'flood' })).to.equal(1);
    expect(
      idle.value('rnsnet_interface_info', { interface: 'Hub', type: 'BackboneInterface', kind: 'listener' }),
    ).to.equal(1);
    expect(idle.value('rnsnet_interface_up', { interface: 'Hub' })).to.equal(1);
    expect(idle.value('rnsnet_interface_peers', { interface: 'Hub' })).to.equal(0);
    expect(idle.value('rnsnet_interface_rx_packets_total', { interface: 'Hub' })).to.equal(0);
    expect(idle.value('rnsnet_process_resident_memory_bytes')).to.be.greaterThan(1e6);
    expect(idle.value('rnsnet_event_loop_delay_max_seconds')).to.be.at.least(0);
    expect(idle.value('rnsnet_buffer_budget_limit_bytes', { budget: 'receive' })).to.equal(64 * 1024 * 1024);

    const [a, b] = [await connect(hubPort), await connect(hubPort)];
    await waitUntil(() => peersOf(node) === 2, 'two peers are connected');
    const packet = testPacket(1);
    a.send(packet);
    await waitUntil(() => b.count(packet) === 1, 'B got the packet');

    const busy = await Scrape.of(url);
    expect(busy.value('rnsnet_interface_peers', { interface: 'Hub' })).to.equal(2);
    expect(busy.value('rnsnet_interface_rx_packets_total', { interface: 'Hub' })).to.equal(1);
    expect(busy.value('rnsnet_interface_rx_bytes_total', { interface: 'Hub' })).to.equal(packet.length);
    expect(busy.value('rnsnet_interface_tx_packets_total', { interface: 'Hub' })).to.equal(1);
    expect(busy.value('rnsnet_interface_peer_connections_total', { interface: 'Hub' })).to.equal(2);
    expect(busy.value('rnsnet_relay_packets_received_total')).to.equal(1);
    expect(busy.value('rnsnet_relay_deliveries_total')).to.equal(1);
    // One series per peer, labelled with its address; A received, B sent.
    const rx = busy.all('rnsnet_peer_rx_packets_total', { interface: 'Hub' });
    expect(rx.map((s) => s.value).sort()).to.deep.equal([0, 1]);
    for (const s of rx) expect(s.labels['peer']).to.match(/^127\.0\.0\.1:\d+$/);
    expect(busy.value('rnsnet_peers_not_exported')).to.equal(0);

    // A duplicate from B is dropped and counted on the interface it arrived on.
    b.send(packet);
    await waitUntil(() => node.status().interfaces[0]?.rxDuplicates === 1, 'the duplicate is dropped');
    // A frame too short for a header is dropped by the peer's decoder: the plugin's own drop reason.
    const next = testPacket(3);
    b.send(Buffer.alloc(5, 1));
    b.send(next);
    await waitUntil(() => a.count(next) === 1, 'A got the packet after the short frame');
    a.close();
    await waitUntil(() => peersOf(node) === 1, 'A is gone');

    const after = await Scrape.of(url);
    expect(after.value('rnsnet_interface_peers', { interface: 'Hub' })).to.equal(1);
    expect(after.value('rnsnet_interface_rx_packets_total', { interface: 'Hub' })).to.equal(3);
    expect(
      after.value('rnsnet_interface_dropped_total', { interface: 'Hub', reason: 'rx_frame_short' }),
    ).to.equal(1);
    expect(after.value('rnsnet_interface_rx_duplicates_total', { interface: 'Hub' })).to.equal(1);
    expect(after.value('rnsnet_relay_packets_dropped_total', { reason: 'duplicate' })).to.equal(1);
    expect(
      after.value('rnsnet_interface_peer_disconnections_total', { interface: 'Hub', cause: 'other' }),
    ).to.equal(1);
    expect(after.all('rnsnet_peer_rx_packets_total')).to.have.length(1);
  });

  it('bounds the per-peer series and counts the peers left out', async () => {
    const [hubPort, metricsPort] = [await freePort(), await freePort()];
    const node = await startNode(
      'bounded',
      metricsConfig(
        { enabled: 'yes', listen_port: metricsPort, per_peer: 'yes', per_peer_limit: 2 },
        hubPort,
      ),
    );
    for (let i = 0; i < 5; i++) await connect(hubPort);
    await waitUntil(() => peersOf(node) === 5, 'five peers are connected');
    const scrape = await Scrape.of(node.metricsUrl as string);
    expect(scrape.all('rnsnet_peer_tx_bytes_total')).to.have.length(2);
    expect(scrape.value('rnsnet_peers_not_exported')).to.equal(3);
    expect(scrape.value('rnsnet_interface_peers', { interface: 'Hub' })).to.equal(5);
  });

  it('counts a penalty by its reason, and the disconnections it causes', async () => {
    const [hubPort, metricsPort] = [await freePort(), await freePort()];
    const abuse = [
      'penalty_exempt = 127.0.0.1',
      'connect_rate_threshold = 3',
      'connect_rate_window = 10',
      'blacklist_duration = 60',
    ];
    const config = metricsConfig({ enabled: 'yes', listen_port: metricsPort }, hubPort).replace(
      `listen_port = ${hubPort}\n`,
      `listen_port = ${hubPort}\n${abuse.map((l) => `    ${l}\n`).join('')}`,
    );
    const node = await startNode('abuse', config);
    const burst = Array.from({ length: 5 }, () => attemptFrom(hubPort, ATTACKER_IP));
    try {
      await Promise.all(burst.map((socket) => closedWithin(socket)));
    } finally {
      for (const socket of burst) socket.destroy();
    }
    await waitUntil(() => peersOf(node) === 0, 'the burst is gone');
    const scrape = await Scrape.of(node.metricsUrl as string);
    expect(
      scrape.value('rnsnet_interface_penalties_total', {
        interface: 'Hub',
        reason: 'connection rate exceeded',
      }),
    ).to.equal(1);
    const admitted = scrape.value('rnsnet_interface_peer_connections_total', { interface: 'Hub' });
    expect(admitted).to.equal(2);
    expect(
      scrape.value('rnsnet_interface_peer_disconnections_total', { interface: 'Hub', cause: 'other' }),
    ).to.equal(admitted);
  });

  it('exports the transport engine counters and tables in transport mode', async () => {
    const [hubPort, metricsPort] = [await freePort(), await freePort()];
    const node = await startNode(
      'transport',
      metricsConfig({ enabled: 'yes', listen_port: metricsPort }, hubPort, 'transport'),
    );
    const url = node.metricsUrl as string;
    const before = await Scrape.of(url);
    expect(before.value('rnsnet_info', { forwarding: 'transport' })).to.equal(1);
    expect(before.value('rnsnet_transport_packets_received_total')).to.equal(0);
    expect(before.value('rnsnet_transport_table_entries', { table: 'paths' })).to.equal(0);
    expect(before.all('rnsnet_relay_packets_received_total')).to.deep.equal([]);

    const a = await connect(hubPort);
    await waitUntil(() => peersOf(node) === 1, 'the peer is connected');
    a.send(testPacket(1));
    a.send(testPacket(1));
    await waitUntil(() => (node.transport?.counters.received ?? 0) === 2, 'the engine saw both');
    const after = await Scrape.of(url);
    expect(after.value('rnsnet_transport_packets_received_total')).to.equal(2);
    expect(after.value('rnsnet_transport_packets_dropped_total', { reason: 'duplicate' })).to.equal(
      node.transport?.counters.duplicates,
    );
    expect(after.value('rnsnet_transport_table_entries', { table: 'hashlist' })).to.be.greaterThan(0);
  });

  it('answers GET /metrics only, and stops serving when the node stops', async () => {
    const [hubPort, metricsPort] = [await freePort(), await freePort()];
    const node = await startNode(
      'http',
      metricsConfig({ enabled: 'yes', listen_port: metricsPort }, hubPort),
    );
    const base = `http://127.0.0.1:${metricsPort}`;
    const ok = await httpRequest(`${base}/metrics?x=1`);
    expect(ok.status).to.equal(200);
    expect(ok.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    expect((await httpRequest(`${base}/`)).status).to.equal(404);
    expect((await httpRequest(`${base}/metrics/x`)).status).to.equal(404);
    const post = await httpRequest(`${base}/metrics`, 'POST');
    expect(post.status).to.equal(405);
    expect(post.headers['allow']).to.equal('GET');

    await node.stop();
    expect(await canConnect(metricsPort)).to.equal(false);
    expect(node.metricsUrl).to.equal(undefined);
  });

  it('refuses to start when the metrics port is taken, naming the section and key', async () => {
    const [hubPort, metricsPort] = [await freePort(), await freePort()];
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(metricsPort, '127.0.0.1', resolve));
    try {
      const dir = await writeConfig(
        'taken',
        metricsConfig({ enabled: 'yes', listen_port: metricsPort }, hubPort),
      );
      const error = await RnsNode.start({ configDir: dir }).then(
        (node) => {
          nodes.push(node);
          throw new Error('the node started');
        },
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(ConfigError);
      expect(error).to.include({ code: RNS_ERR_CONFIG, section: 'metrics', key: 'listen_port', line: 3 });
      expect((error as Error).message).to.include(`${path.join(dir, 'config')}:3 [metrics] 'listen_port'`);
      expect((error as Error).message).to.include('in use');
      // Nothing of the failed start is left: the hub port is free and the directory can start a node.
      expect(await canConnect(hubPort)).to.equal(false);
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      nodes.push(await RnsNode.start({ configDir: dir }));
    } finally {
      squatter.close();
    }
  });

  it('refuses to start on a bad [metrics] value, naming file, line and key', async () => {
    const dir = await writeConfig(
      'bad',
      metricsConfig({ enabled: 'yes', listen_ip: 'localhost', listen_port: 9464 }, await freePort()),
    );
    const error = await RnsNode.start({ configDir: dir }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(ConfigError);
    expect(error).to.include({ section: 'metrics', key: 'listen_ip', line: 3 });
  });
});
