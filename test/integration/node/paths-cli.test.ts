import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeStatus, PathListEntry } from '../../../src/node/node-status';
import { freePort } from '../../helpers/loopback-port';
import { TestDestination } from '../../unit/transport/support/packets';
import { builtCli, NodeProcess, rnsNet } from './cli-process';
import { LoopbackPeer, waitUntil } from './loopback-peer';

/** A transport node with two listeners; announces arrive over Backbone peers of each. */
function transportConfig(ports: { public: number; uplink: number }): string {
  const server = (name: string, port: number) =>
    `  [[${name}]]\n    type = BackboneInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n` +
    `    listen_port = ${port}\n    ingress_control = no\n`;
  return (
    '[reticulum]\n  enable_transport = yes\n\n[logging]\n  loglevel = 4\n\n[interfaces]\n' +
    server('Public', ports.public) +
    server('Uplink', ports.uplink)
  );
}

describe('rns-net paths and status against a running transport node (child process)', function () {
  this.timeout(60000);

  let home: string;
  let dir: string;
  let node: NodeProcess;
  let peers: LoopbackPeer[] = [];
  /** Announced over Public at 0, 1 and 2 hops (3 after us: 1, 2, 3). */
  const viaPublic = [new TestDestination(), new TestDestination(), new TestDestination()];
  /** Announced over Uplink at 0 hops. */
  const viaUplink = new TestDestination();
  const hex = (d: TestDestination): string => d.hash.toString('hex');

  const status = async (): Promise<NodeStatus> => {
    const result = await rnsNet(home, 'status', '--json', '--config', dir);
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as NodeStatus;
  };
  const pathsJson = async (...args: string[]): Promise<PathListEntry[]> => {
    const result = await rnsNet(home, 'paths', '--json', '--config', dir, ...args);
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as PathListEntry[];
  };

  before(async () => {
    builtCli();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-paths-'));
    dir = path.join(home, 'node');
    await fs.mkdir(dir);
    const ports = { public: await freePort(), uplink: await freePort() };
    await fs.writeFile(path.join(dir, 'config'), transportConfig(ports));
    node = NodeProcess.spawn(home, dir);
    await node.running();
    const publicPeer = await LoopbackPeer.connect(ports.public);
    const uplinkPeer = await LoopbackPeer.connect(ports.uplink);
    peers = [publicPeer, uplinkPeer];
    viaPublic.forEach((d, hops) => publicPeer.send(d.announce({ hops })));
    uplinkPeer.send(viaUplink.announce());
    // Each peer hears the other's announces rebroadcast: the node has taken all four in.
    await waitUntil(
      () => publicPeer.received.length >= 1 && uplinkPeer.received.length >= 3,
      'the announces are rebroadcast',
      20000,
    );
  });

  after(async () => {
    for (const peer of peers) peer.close();
    node?.kill();
    if (home !== undefined) await fs.rm(home, { recursive: true, force: true });
  });

  it('status shows the transport id, the table sizes and the announce counters', async () => {
    const s = await status();
    expect(s.forwarding).to.equal('transport');
    expect(s.transport?.tables.paths).to.equal(4);
    expect(s.transport?.counters.announcesReceived).to.equal(4);
    expect(s.transport?.counters.rebroadcasts).to.be.at.least(4);
    const text = await rnsNet(home, 'status', '--config', dir);
    expect(text.stdout).to.include(`transport node ${s.transport?.transportId}`);
    expect(text.stdout).to.match(/^paths\s+4$/m);
    for (const counter of [
      'announcesReceived',
      'announcesHeld',
      'announcesRateBlocked',
      'forwardedTransport',
    ]) {
      expect(text.stdout).to.match(new RegExp(`^${counter}\\s+\\d+$`, 'm'));
    }
  });

  it('lists every path with destination, hops, next hop, interface and expiry', async () => {
    const table = await rnsNet(home, 'paths', '--config', dir);
    expect(table.code, table.stderr).to.equal(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^DESTINATION\s+HOPS\s+NEXT HOP\s+INTERFACE\s+EXPIRES IN\s+STATE$/);
    expect(lines.at(-1)).to.equal('4 paths');
    // A week's life for paths learnt on full-mode interfaces.
    expect(table.stdout).to.match(
      new RegExp(`^${hex(viaPublic[0])}\\s+1\\s+\\(direct\\)\\s+Public/\\d+\\s+(6d 23h|7d 00h)`, 'm'),
    );
    expect(table.stdout).to.match(
      new RegExp(`^${hex(viaUplink)}\\s+1\\s+\\(direct\\)\\s+Uplink/\\d+\\s`, 'm'),
    );

    const all = await pathsJson();
    expect(all.map((p) => p.destination).sort()).to.deep.equal([...viaPublic, viaUplink].map(hex).sort());
    const first = all.find((p) => p.destination === hex(viaPublic[2]));
    expect(first).to.include({ hops: 3, listener: 'Public', nextHop: hex(viaPublic[2]), linked: false });
    expect(first?.expires).to.be.greaterThan(Date.now() + 6 * 86400_000);
  });

  it('filters by interface, hops and destination prefix', async () => {
    expect((await pathsJson('--interface', 'Uplink')).map((p) => p.destination)).to.deep.equal([
      hex(viaUplink),
    ]);
    expect(await pathsJson('--interface', 'Public')).to.have.length(3);
    const near = await pathsJson('--max-hops', '2');
    expect(near.map((p) => p.hops)).to.deep.equal([1, 2, 1]);
    const prefix = hex(viaPublic[1]).slice(0, 7);
    const byPrefix = await pathsJson('--destination', prefix.toUpperCase());
    expect(byPrefix.map((p) => p.destination)).to.include(hex(viaPublic[1]));
    expect(byPrefix.every((p) => p.destination.startsWith(prefix))).to.equal(true);
    const unknown = await rnsNet(home, 'paths', '--interface', 'Nope', '--config', dir);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr.trim()).to.equal("error: not_found: interface 'Nope' not found");
  });

  it('paths drop removes a path and says so when there is none', async () => {
    const target = hex(viaPublic[0]);
    const dropped = await rnsNet(home, 'paths', 'drop', target, '--config', dir);
    expect(dropped.code, dropped.stderr).to.equal(0);
    expect(dropped.stdout.trim()).to.equal(`dropped the path to ${target}`);
    expect((await pathsJson()).map((p) => p.destination)).to.not.include(target);
    expect((await status()).transport?.tables.paths).to.equal(3);
    const again = await rnsNet(home, 'paths', 'drop', target, '--config', dir);
    expect(again.code).to.equal(1);
    expect(again.stderr.trim()).to.equal(`error: not_found: no path to ${target}`);
    expect((await rnsNet(home, 'paths', 'drop', 'abc', '--config', dir)).code).to.equal(2);
  });
});
