import { expect } from 'chai';
import { emptyInterfaceStats } from '../../../../src/core/driver/interface-stats';
import { MAX_PLUGIN_DROP_REASONS } from '../../../../src/node/metrics/node-metrics';
import { emptyTransportCounters, TransportCounters } from '../../../../src/transport/transport-counters';
import { parseSamples, Scrape } from '../../../helpers/prometheus-scrape';
import { FakeMetricsSource, idleForwarding, interfaceStatus, metricsOver } from './fake-metrics-source';

async function scrape(metrics: { render(): Promise<string> }): Promise<Scrape> {
  return new Scrape(parseSamples(await metrics.render()));
}

describe('NodeMetrics', () => {
  it('reads the live figures at every scrape, with the rnsnet_ prefix', async () => {
    const source = new FakeMetricsSource(idleForwarding('flood'));
    source.interfaceList = [interfaceStatus(1, 'Hub', 'listener', { rxPackets: 3, rxBytes: 90 }, 2)];
    const metrics = metricsOver(source);
    const first = await scrape(metrics);
    expect(first.value('rnsnet_interface_rx_packets_total', { interface: 'Hub' })).to.equal(3);
    expect(first.value('rnsnet_interface_peers', { interface: 'Hub' })).to.equal(2);
    expect(first.value('rnsnet_info', { version: '9.9.9', forwarding: 'flood' })).to.equal(1);
    expect(first.value('rnsnet_start_time_seconds')).to.equal(1_700_000_000);

    source.interfaceList = [interfaceStatus(1, 'Hub', 'listener', { rxPackets: 5, txRefusedFull: 4 }, 1)];
    source.unknown = 7;
    const second = await scrape(metrics);
    expect(second.value('rnsnet_interface_rx_packets_total', { interface: 'Hub' })).to.equal(5);
    expect(
      second.value('rnsnet_interface_dropped_total', { interface: 'Hub', reason: 'tx_buffer_full' }),
    ).to.equal(4);
    expect(second.value('rnsnet_driver_unknown_frames_total')).to.equal(7);
    expect(second.value('rnsnet_buffer_budget_held_bytes', { budget: 'send' })).to.equal(20);
    expect(second.value('rnsnet_buffer_budget_send_refusals_total')).to.equal(2);
    for (const sample of second.samples) expect(sample.name).to.match(/^rnsnet_/);
  });

  it('counts peer activity of listeners only, penalties by reason', async () => {
    const source = new FakeMetricsSource(idleForwarding('flood'));
    source.interfaceList = [interfaceStatus(1, 'Hub', 'listener'), interfaceStatus(2, 'Up', 'single')];
    source.activity.connected(1, 10001, '127.0.0.1', 5000);
    source.activity.connected(1, 10002, '127.0.0.1', 5001);
    source.activity.disconnected(1, 10001);
    source.activity.idleTimeout(1);
    source.activity.disconnected(1, 10002);
    source.activity.penalty(1, 'repeated idle timeouts');
    source.activity.penalty(1, 'repeated idle timeouts');
    source.activity.penalty(1, 'fast flapping');
    const s = await scrape(metricsOver(source));
    expect(s.value('rnsnet_interface_peer_connections_total', { interface: 'Hub' })).to.equal(2);
    expect(s.all('rnsnet_interface_peer_connections_total', { interface: 'Up' })).to.deep.equal([]);
    const cause = (c: string) =>
      s.value('rnsnet_interface_peer_disconnections_total', { interface: 'Hub', cause: c });
    expect([cause('idle_timeout'), cause('write_stall'), cause('other')]).to.deep.equal([1, 0, 1]);
    const reason = (r: string) =>
      s.value('rnsnet_interface_penalties_total', { interface: 'Hub', reason: r });
    expect([reason('repeated idle timeouts'), reason('fast flapping')]).to.deep.equal([2, 1]);
  });

  it("adds an interface's own drop reasons to its drops, bounded, never over the driver's", async () => {
    const source = new FakeMetricsSource(idleForwarding('flood'));
    source.interfaceList = [interfaceStatus(1, 'Hub', 'listener', { rxIfacDropped: 2 })];
    const own: Record<string, number> = { rx_ifac: 99, conn_refused_full: 3, bogus: -1, nan: Number.NaN };
    for (let i = 0; i < 30; i++) own[`extra_${i}`] = i;
    source.ownDrops.set(1, own);
    const s = await scrape(metricsOver(source));
    const drops = s.all('rnsnet_interface_dropped_total', { interface: 'Hub' });
    expect(s.value('rnsnet_interface_dropped_total', { interface: 'Hub', reason: 'rx_ifac' })).to.equal(2);
    expect(
      s.value('rnsnet_interface_dropped_total', { interface: 'Hub', reason: 'conn_refused_full' }),
    ).to.equal(3);
    expect(drops.map((d) => d.labels['reason'])).to.not.include.members(['bogus', 'nan']);
    expect(drops).to.have.length(4 + MAX_PLUGIN_DROP_REASONS);
  });

  it('exports per-peer series only when asked, at most the limit', async () => {
    const source = new FakeMetricsSource(idleForwarding('flood'));
    source.peerList = [1, 2, 3].map((n) => ({
      interfaceName: 'Hub',
      peer: `127.0.0.1:${5000 + n}`,
      stats: { ...emptyInterfaceStats(), txBytes: n * 100 },
    }));
    const off = await scrape(metricsOver(source));
    expect(off.samples.filter((s) => s.name.startsWith('rnsnet_peer'))).to.deep.equal([]);

    const on = await scrape(metricsOver(source, true, 2));
    expect(on.all('rnsnet_peer_tx_bytes_total').map((s) => [s.labels['peer'], s.value])).to.deep.equal([
      ['127.0.0.1:5001', 100],
      ['127.0.0.1:5002', 200],
    ]);
    expect(on.value('rnsnet_peers_not_exported')).to.equal(1);
  });

  it('splits the relay duplicates from the loop guard drops they include', async () => {
    const forwarding = idleForwarding('flood');
    if (forwarding.mode !== 'flood') throw new Error('flood');
    Object.assign(forwarding.relay.counters, { duplicatesDropped: 10, loopGuardDropped: 3, malformed: 2 });
    const s = await scrape(metricsOver(new FakeMetricsSource(forwarding)));
    const reason = (r: string) => s.value('rnsnet_relay_packets_dropped_total', { reason: r });
    expect([reason('duplicate'), reason('loop_guard'), reason('malformed')]).to.deep.equal([7, 3, 2]);
  });

  it('puts every transport counter in exactly one series', async () => {
    const forwarding = idleForwarding('transport');
    if (forwarding.mode !== 'transport') throw new Error('transport');
    const keys = Object.keys(emptyTransportCounters()) as (keyof TransportCounters)[];
    // Distinct powers of two: each series' value says which counters it holds.
    keys.forEach((key, i) => (forwarding.engine.counters[key] = 2 ** i));
    const s = await scrape(metricsOver(new FakeMetricsSource(forwarding)));
    const transport = s.samples.filter(
      (x) => x.name.startsWith('rnsnet_transport_') && x.name.endsWith('_total'),
    );
    const values = transport.map((x) => x.value);
    expect(values.reduce((a, b) => a + b, 0)).to.equal(2 ** keys.length - 1);
    for (const value of values) expect(Math.log2(value) % 1, `series ${value} holds one counter`).to.equal(0);
    expect(s.value('rnsnet_transport_packets_dropped_total', { reason: 'no_path' })).to.equal(
      2 ** keys.indexOf('noPath'),
    );
  });
});
