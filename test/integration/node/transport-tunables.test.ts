import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../../src/node/rns-node';
import { freePort } from '../../helpers/loopback-port';
import { RecordingLogger } from '../../helpers/recording-logger';
import { TestDestination } from '../../unit/transport/support/packets';
import { LoopbackPeer, waitUntil } from './loopback-peer';

/** A transport node's config: one Backbone listener `Public` with `extra` keys, `[reticulum]` with `reticulum`. */
function config(port: number, extra = '', reticulum = ''): string {
  return (
    `[reticulum]\n  enable_transport = yes\n${reticulum}[interfaces]\n  [[Public]]\n    type = BackboneInterface\n` +
    `    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = ${port}\n    ingress_control = no\n${extra}`
  );
}

describe('transport tunables as runtime config (transport.<interface>.*), set live and by reload', function () {
  this.timeout(20000);
  let dir: string;
  let file: string;
  let node: RnsNode | undefined;
  let port: number;
  const peers: LoopbackPeer[] = [];

  const entry = (key: string) => node?.getRuntimeConfig(key);
  const counters = () => {
    const transport = node?.status().transport;
    if (transport === undefined) throw new Error('expected a transport node');
    return transport.counters;
  };
  /** Sends two announces of one destination (the second emitted later) and waits until both were taken in. */
  const announceTwice = async (peer: LoopbackPeer): Promise<void> => {
    const destination = new TestDestination();
    const before = counters().pathUpdates;
    peer.send(destination.announce({ emitted: 1_700_000_000 }));
    await waitUntil(() => counters().pathUpdates === before + 1, 'the first announce is taken in');
    peer.send(destination.announce({ emitted: 1_700_000_010 }));
    await waitUntil(() => counters().pathUpdates === before + 2, 'the second announce is taken in');
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-tunables-'));
    file = path.join(dir, 'config');
    port = await freePort();
    await fs.writeFile(file, config(port));
    node = await RnsNode.start({ configDir: dir, logger: new RecordingLogger() });
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await node?.stop();
    node = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves every tunable of each interface with its startup value', () => {
    const keys = (node?.listRuntimeConfig() ?? [])
      .map((e) => e.key)
      .filter((k) => k.startsWith('transport.'));
    expect(keys).to.include.members([
      'transport.Public.announce_rate_target',
      'transport.Public.announce_rate_grace',
      'transport.Public.announce_rate_penalty',
      'transport.Public.announce_cap',
      'transport.Public.ingress_control',
      'transport.Public.egress_control',
      'transport.Public.ic_burst_freq',
      'transport.Public.ic_max_held_announces',
      'transport.Public.ec_pr_freq',
    ]);
    expect(entry('transport.Public.announce_rate_target')).to.include({ value: 3600, source: 'startup' });
    expect(entry('transport.Public.announce_rate_grace')).to.include({ value: 5, applyMode: 'immediate' });
    expect(entry('transport.Public.announce_cap')).to.include({ value: 2 });
    expect(entry('transport.Public.ingress_control')).to.include({ value: false });
    expect(entry('transport.Public.ic_burst_freq')).to.include({ value: 10 });
  });

  it('a changed rate limit applies at once, to connected peers and to peers that connect later', async () => {
    const early = await LoopbackPeer.connect(port);
    peers.push(early);
    await waitUntil(() => node?.status().interfaces[0]?.peers === 1, 'the peer is up');
    // Python's transport default allows 5 announces over the target: the second passes.
    await announceTwice(early);
    expect(counters().announcesRateBlocked).to.equal(0);

    const set = node?.setRuntimeConfig('transport.Public.announce_rate_grace', 0);
    expect(set?.ok && set.value).to.include({ value: 0, default: 5, source: 'runtime_override' });
    await announceTwice(early);
    expect(counters().announcesRateBlocked).to.equal(1);

    const late = await LoopbackPeer.connect(port);
    peers.push(late);
    await waitUntil(() => node?.status().interfaces[0]?.peers === 2, 'the second peer is up');
    await announceTwice(late);
    expect(counters().announcesRateBlocked).to.equal(2);

    // Turned off, nothing is blocked any more; reset, the startup value is back.
    expect(node?.setRuntimeConfig('transport.Public.announce_rate_target', 0).ok).to.equal(true);
    await announceTwice(late);
    expect(counters().announcesRateBlocked).to.equal(2);
    expect(node?.resetRuntimeConfig('transport.Public.announce_rate_target').ok).to.equal(true);
    expect(entry('transport.Public.announce_rate_target')).to.include({ value: 3600, source: 'startup' });
  });

  it('refuses values of the wrong type or range, changing nothing', () => {
    const code = (key: string, value: number | boolean | string) => {
      const result = node?.setRuntimeConfig(`transport.Public.${key}`, value);
      return result?.ok === false ? result.error.code : 'ok';
    };
    expect(code('announce_cap', 0)).to.equal('invalid_value');
    expect(code('announce_cap', 101)).to.equal('invalid_value');
    expect(code('announce_rate_grace', 1.5)).to.equal('invalid_type');
    expect(code('announce_rate_target', -1)).to.equal('invalid_value');
    expect(code('ic_burst_freq', 'fast')).to.equal('invalid_type');
    expect(code('ingress_control', 1)).to.equal('invalid_type');
    expect(code('nope', 1)).to.equal('unknown_key');
    expect(entry('transport.Public.announce_cap')).to.include({ value: 2, source: 'startup' });
    expect(code('announce_cap', 0.5)).to.equal('ok');
  });

  it('a reload applies changed tunables of a section and of the [reticulum] defaults live, the rest takes a restart', async () => {
    await fs.writeFile(
      file,
      config(port, '    announce_rate_target = 600\n    bitrate = 1000000\n', '  ic_burst_freq = 20\n'),
    );
    const report = await node?.reload();
    // A section's announce_rate_target brings grace and penalty 0 with it, as in Python.
    expect(report?.applied).to.deep.equal([
      { key: 'transport.Public.announce_rate_target', value: 600 },
      { key: 'transport.Public.announce_rate_grace', value: 0 },
      { key: 'transport.Public.ic_burst_freq', value: 20 },
    ]);
    expect(report?.restartNeeded).to.deep.equal(["[Public] 'bitrate' changed; that takes a restart"]);
    expect(entry('transport.Public.announce_rate_target')).to.include({ value: 600, source: 'startup' });

    const peer = await LoopbackPeer.connect(port);
    peers.push(peer);
    await waitUntil(() => node?.status().interfaces[0]?.peers === 1, 'the peer is up');
    await announceTwice(peer);
    expect(counters().announcesRateBlocked).to.equal(1);

    // The same file again changes nothing; a bad value keeps the section as it was.
    expect((await node?.reload())?.applied).to.deep.equal([]);
    await fs.writeFile(file, config(port, '    announce_cap = 200\n', '  ic_burst_freq = 20\n'));
    const bad = await node?.reload();
    expect(bad?.applied).to.deep.equal([]);
    expect(bad?.problems[0]).to.match(/\[Public\] 'announce_cap': must be a percentage/);
    expect(entry('transport.Public.announce_rate_target')).to.include({ value: 600 });

    // Another forwarding mode takes a restart; until then the running defaults stay.
    await fs.writeFile(
      file,
      config(port, '    announce_rate_target = 600\n').replace(
        'enable_transport = yes',
        'relay_mode = flood',
      ),
    );
    const flood = await node?.reload();
    expect(flood?.applied).to.deep.equal([]);
    expect(flood?.restartNeeded).to.deep.equal([
      "[reticulum] 'enable_transport/relay_mode' changed; that takes a restart",
    ]);
    expect(entry('transport.Public.ic_burst_freq')).to.include({ value: 20 });
  });
});
