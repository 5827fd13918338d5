import { expect } from 'chai';
import sinon from 'sinon';
import { MAX_BLACKLIST_SECS } from '../../../src/core/peer-state';
import { PeerMonitor, REJECT_HISTORY_RETENTION_MS } from '../../../src/net/peer-monitor';

describe('PeerMonitor', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  it('counts connections per IP and prunes an IP that holds nothing', () => {
    const monitor = new PeerMonitor();
    monitor.recordConnected('10.0.0.1');
    monitor.recordConnected('10.0.0.1');
    expect(monitor.list('If')).to.deep.equal([
      {
        interfaceName: 'If',
        ip: '10.0.0.1',
        connectedCount: 2,
        rejectCount: 0,
        blacklistedRemainingSecs: null,
        blacklistReason: null,
        penaltyLevel: 0,
        windowCounts: {},
      },
    ]);
    monitor.recordDisconnected('10.0.0.1');
    monitor.recordDisconnected('10.0.0.1');
    expect(monitor.list('If')).to.deep.equal([]);
    monitor.recordDisconnected('10.0.0.1');
    expect(monitor.list('If')).to.deep.equal([]);
  });

  it('blacklists with a reason and remaining time, and expiry clears both', () => {
    const monitor = new PeerMonitor();
    monitor.blacklist('10.0.0.5', 300_000, 'sentinel');
    expect(monitor.isBlacklisted('10.0.0.5')).to.equal(true);
    expect(monitor.isBlacklisted('10.0.0.5')).to.equal(true);
    expect(monitor.blacklistReason('10.0.0.5')).to.equal('sentinel');
    clock.tick(10_000);
    expect(monitor.list('If')[0]).to.include({ blacklistedRemainingSecs: 290, blacklistReason: 'sentinel' });
    monitor.recordReject('10.0.0.5');
    clock.tick(290_000);
    expect(monitor.isBlacklisted('10.0.0.5')).to.equal(false);
    expect(monitor.list('If')).to.deep.equal([
      {
        interfaceName: 'If',
        ip: '10.0.0.5',
        connectedCount: 0,
        rejectCount: 1,
        blacklistedRemainingSecs: null,
        blacklistReason: null,
        penaltyLevel: 0,
        windowCounts: {},
      },
    ]);
  });

  it('keeps a blacklist of any length finite (a penalty or a caller that did not cap it)', () => {
    const monitor = new PeerMonitor();
    monitor.blacklist('10.0.0.9', Infinity, 'endless');
    expect(monitor.isBlacklisted('10.0.0.9')).to.equal(true);
    const remaining = monitor.list('If')[0]?.blacklistedRemainingSecs;
    expect(remaining).to.be.a('number').and.satisfy(Number.isFinite);
    expect(remaining).to.be.within(MAX_BLACKLIST_SECS - 1, MAX_BLACKLIST_SECS);
  });

  it('drops an entry whose only content was an expired blacklist', () => {
    const monitor = new PeerMonitor();
    monitor.blacklist('10.0.0.6', 1000, 'x');
    clock.tick(1000);
    expect(monitor.list('If')).to.deep.equal([]);
  });

  it('clear lifts the blacklist and rejections but keeps live connections', () => {
    const monitor = new PeerMonitor();
    monitor.recordConnected('10.0.0.7');
    monitor.blacklist('10.0.0.7', 60_000, 'x');
    monitor.recordReject('10.0.0.7');
    expect(monitor.clear('10.0.0.7')).to.equal(true);
    expect(monitor.list('If')[0]).to.include({
      connectedCount: 1,
      rejectCount: 0,
      blacklistedRemainingSecs: null,
      blacklistReason: null,
    });
    monitor.blacklist('10.0.0.8', 60_000, 'y');
    expect(monitor.clear('10.0.0.8')).to.equal(true);
    expect(monitor.clear('10.0.0.8')).to.equal(false);
    expect(monitor.list('If').map((e) => e.ip)).to.deep.equal(['10.0.0.7']);
  });

  it('capBlacklists shortens blacklists to the cap from their start', () => {
    const monitor = new PeerMonitor();
    monitor.blacklist('10.0.0.9', 3_600_000, 'long');
    monitor.blacklist('10.0.0.10', 5_000, 'short');
    clock.tick(2_000);
    monitor.capBlacklists(10_000);
    const [long, short] = monitor.list('If');
    expect(long?.blacklistedRemainingSecs).to.equal(8);
    expect(short?.blacklistedRemainingSecs).to.equal(3);
  });

  it('lists entries sorted by IP', () => {
    const monitor = new PeerMonitor();
    for (const ip of ['10.0.0.10', '2001:db8::1', '9.9.9.9', '10.0.0.2']) monitor.recordConnected(ip);
    expect(monitor.list('If').map((e) => e.ip)).to.deep.equal([
      '9.9.9.9',
      '10.0.0.2',
      '10.0.0.10',
      '2001:db8::1',
    ]);
  });

  it('sweep drops reject-only history after the retention time, never live or blacklisted IPs', () => {
    const monitor = new PeerMonitor();
    monitor.blacklist('10.0.0.5', 1000, 'short');
    monitor.recordReject('10.0.0.5');
    monitor.blacklist('10.0.0.6', 10 * REJECT_HISTORY_RETENTION_MS, 'long');
    monitor.recordConnected('10.0.0.7');
    clock.tick(1000);
    monitor.sweep();
    expect(monitor.size).to.equal(3);
    expect(monitor.isQuiet('10.0.0.5')).to.equal(true);
    expect(monitor.isQuiet('10.0.0.6')).to.equal(false);
    expect(monitor.isQuiet('10.0.0.7')).to.equal(false);
    clock.tick(REJECT_HISTORY_RETENTION_MS);
    monitor.sweep();
    expect(monitor.list('If').map((e) => e.ip)).to.deep.equal(['10.0.0.6', '10.0.0.7']);
  });

  it('lists IPs known only to a behaviour source, with their penalty level and window counts', () => {
    const monitor = new PeerMonitor();
    monitor.recordConnected('10.0.0.1');
    const behaviour = {
      trackedIps: () => ['10.0.0.9', '10.0.0.1'],
      snapshot: (ip: string) =>
        ip === '10.0.0.9' ? { penaltyLevel: 2, windowCounts: { idle_timeouts: 1 } } : undefined,
    };
    expect(monitor.list('If', behaviour)).to.deep.equal([
      {
        interfaceName: 'If',
        ip: '10.0.0.1',
        connectedCount: 1,
        rejectCount: 0,
        blacklistedRemainingSecs: null,
        blacklistReason: null,
        penaltyLevel: 0,
        windowCounts: {},
      },
      {
        interfaceName: 'If',
        ip: '10.0.0.9',
        connectedCount: 0,
        rejectCount: 0,
        blacklistedRemainingSecs: null,
        blacklistReason: null,
        penaltyLevel: 2,
        windowCounts: { idle_timeouts: 1 },
      },
    ]);
  });

  describe('bound (max_tracked_peers)', () => {
    it('holds at most the cap however many IPs are blacklisted (20,001 with a cap of 100)', () => {
      const monitor = new PeerMonitor({ maxEntries: () => 100 });
      for (let i = 0; i <= 20_000; i++) monitor.blacklist(`10.5.${i >> 8}.${i & 255}`, 60_000, 'penalty');
      expect(monitor.size).to.equal(100);
      expect(monitor.isBlacklisted('10.5.78.32'), 'the most recent blacklist stays').to.equal(true);
      expect(monitor.isBlacklisted('10.5.0.0')).to.equal(false);
    });

    it('evicts the least recently active entry first', () => {
      const monitor = new PeerMonitor({ maxEntries: () => 3 });
      monitor.blacklist('10.0.0.1', 60_000, 'a');
      monitor.blacklist('10.0.0.2', 60_000, 'b');
      monitor.blacklist('10.0.0.3', 60_000, 'c');
      monitor.recordReject('10.0.0.1');
      monitor.blacklist('10.0.0.4', 60_000, 'd');
      expect(monitor.list('If').map((e) => e.ip)).to.deep.equal(['10.0.0.1', '10.0.0.3', '10.0.0.4']);
    });

    it('never evicts an IP with live connections: the per-IP counts stay exact', () => {
      const monitor = new PeerMonitor({ maxEntries: () => 100 });
      for (let i = 0; i < 150; i++) monitor.recordConnected(`10.6.0.${i}`);
      monitor.blacklist('10.6.1.1', 60_000, 'x');
      expect(monitor.size).to.equal(151);
      for (let i = 0; i < 150; i++) expect(monitor.isQuiet(`10.6.0.${i}`)).to.equal(false);
      for (let i = 0; i < 150; i++) monitor.recordDisconnected(`10.6.0.${i}`);
      expect(monitor.size).to.equal(1);
    });

    it('works off a lowered cap in sweep steps', () => {
      let cap = 1000;
      const monitor = new PeerMonitor({ maxEntries: () => cap });
      for (let i = 0; i < 1000; i++) monitor.blacklist(`10.7.${i >> 8}.${i & 255}`, 60_000, 'x');
      cap = 10;
      expect(monitor.sweep(400)).to.equal(false);
      expect(monitor.size).to.equal(600);
      while (!monitor.sweep(400));
      expect(monitor.size).to.equal(10);
    });
  });
});
