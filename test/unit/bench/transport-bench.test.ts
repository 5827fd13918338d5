import { expect } from 'chai';
import { AddressInfo, Server } from 'node:net';
import { runAnnounceFlood, runAnnounceRate, runPathTable } from '../../../bench/transport/announce-bench';
import { announceSet } from '../../../bench/transport/announce-set';
import { runNodeForwarding } from '../../../bench/transport/forwarding';
import { runLinkTable } from '../../../bench/transport/link-table-bench';
import { TransportBenchHub, startTransportHub } from '../../../bench/transport/transport-hubs';
import { nodeAvailable } from '../../../bench/socket/hub-process';
import { startBaselineHub } from '../../../bench/socket/baseline-hub';

/**
 * The baseline relay (bench/socket/baseline-hub.ts), in this process, as a flood hub: every
 * packet goes to every other peer, so what each benchmark counts is known exactly.
 */
async function floodHub(): Promise<TransportBenchHub> {
  const server: Server = await startBaselineHub(0);
  return {
    kind: 'flood',
    pid: process.pid,
    port: (server.address() as AddressInfo).port,
    status: () => Promise.resolve(null),
    loopSamples: () => [],
    memory: () =>
      Promise.resolve({
        rssKb: process.memoryUsage().rss / 1024,
        heapUsedKb: NaN,
        arrayBuffersKb: NaN,
        heapTotalKb: NaN,
      }),
    output: () => '',
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('transport benchmarks against a flood relay', function () {
  this.timeout(60_000);
  let hub: TransportBenchHub;

  beforeEach(async () => {
    hub = await floodHub();
  });

  afterEach(async () => {
    await hub.stop();
  });

  it('forwarding: every link packet reaches its far end, and the flood copies count as misrouted', async () => {
    const o = await runNodeForwarding(hub, {
      pairs: 2,
      durationMs: 300,
      maxFramesPerSender: 3000,
      settleMs: 50,
    });
    expect(o.sent).to.be.greaterThan(0);
    expect(o.delivered).to.equal(o.sent);
    // With 2 pairs, each packet also reaches the other pair's receiver.
    expect(o.misrouted).to.equal(o.sent);
    expect(o.deliveriesPerSec).to.be.greaterThan(0);
  });

  it('announces at a fixed rate: each reaches all 9 other peers', async () => {
    const set = announceSet({ count: 200, cacheDir: null });
    const o = await runAnnounceRate(hub, set, { rate: 400, durationMs: 500 });
    expect(o.sent).to.equal(200);
    expect(o.complete).to.equal(200);
    expect(o.counts).to.equal(null);
    expect(o.latencyP99Ms).to.be.at.least(o.latencyP50Ms);
  });

  it('announce flood: counts what is passed on, and a live link carries its packets meanwhile', async () => {
    const set = announceSet({ count: 400, cacheDir: null });
    const o = await runAnnounceFlood(hub, set, { maxSendMs: 5000, senders: 2 });
    expect(o.sent).to.equal(400);
    expect(o.passedOn).to.equal(400);
    expect(o.linkSent).to.be.greaterThan(0);
    expect(o.linkDelivered).to.equal(o.linkSent);
  });

  it('path table: paces the announces and measures memory around them', async () => {
    const set = announceSet({ count: 300, cacheDir: null });
    const o = await runPathTable(hub, set, { warmup: 100, maxSendMs: 10_000, quietMs: 500 });
    expect(o.sent).to.equal(200);
    expect(o.entries, 'announces passed on').to.equal(200);
    expect(o.entriesFromStatus).to.equal(false);
    expect(o.before.rssKb).to.be.greaterThan(0);
    expect(o.timedOut).to.equal(false);
  });

  it('link table: proves every link request the hub passes on', async () => {
    const o = await runLinkTable(hub, {
      links: 300,
      warmup: 20,
      initiators: 2,
      destinations: 2,
      maxMs: 20_000,
    });
    expect(o.established).to.equal(300);
    expect(o.timedOut).to.equal(false);
    expect(Number.isNaN(o.tableEntries)).to.equal(true);
  });
});

describe('transport benchmarks against the built node', function () {
  this.timeout(60_000);

  before(function () {
    // The node runs from its compiled CLI (npm run build; npm ci builds it too).
    if (!nodeAvailable()) this.skip();
  });

  it('forwarding through the transport engine reaches the far end only', async () => {
    const hub = await startTransportHub('transport');
    try {
      const o = await runNodeForwarding(hub, {
        pairs: 2,
        durationMs: 300,
        maxFramesPerSender: 3000,
        settleMs: 500,
      });
      expect(o.sent).to.be.greaterThan(0);
      expect(o.delivered).to.equal(o.sent);
      expect(o.misrouted).to.equal(0);
      const status = await hub.status();
      expect(status?.transport?.tables.links).to.equal(2);
      expect(hub.loopSamples().length).to.be.greaterThan(0);
    } finally {
      await hub.stop();
    }
  });

  it('measures the live heap after a full collection', async () => {
    const hub = await startTransportHub('transport', { memoryProbe: true });
    try {
      const memory = await hub.memory();
      expect(memory.rssKb).to.be.greaterThan(memory.heapUsedKb);
      expect(memory.heapUsedKb).to.be.greaterThan(1000);
    } finally {
      await hub.stop();
    }
  });
});
