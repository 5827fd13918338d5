import { expect } from 'chai';
import sinon from 'sinon';
import { MAX_BLACKLIST_SECS } from '../../../../src/core/peer-state';
import {
  BackbonePeerMonitor,
  REJECT_HISTORY_RETENTION_MS,
} from '../../../../src/plugins/backbone/peer-monitor';
import { compareIps, normalizePeerIp } from '../../../../src/plugins/backbone/peer-ip';

describe('normalizePeerIp / compareIps', () => {
  it('turns IPv4-mapped IPv6 into IPv4 and lowercases IPv6', () => {
    expect(normalizePeerIp('::ffff:1.2.3.4')).to.equal('1.2.3.4');
    expect(normalizePeerIp('::FFFF:10.0.0.1')).to.equal('10.0.0.1');
    expect(normalizePeerIp('2001:DB8::1')).to.equal('2001:db8::1');
    expect(normalizePeerIp('127.0.0.1')).to.equal('127.0.0.1');
  });

  it('sorts numerically, IPv4 before IPv6', () => {
    const ips = ['2001:db8::10', '10.0.0.2', '::1', '9.0.0.1', '2001:db8::9', '10.0.0.10'];
    expect([...ips].sort(compareIps)).to.deep.equal([
      '9.0.0.1',
      '10.0.0.2',
      '10.0.0.10',
      '::1',
      '2001:db8::9',
      '2001:db8::10',
    ]);
  });
});

describe('BackbonePeerMonitor', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  it('counts connections per IP and prunes an IP that holds nothing', () => {
    const monitor = new BackbonePeerMonitor();
    monitor.recordConnected('::ffff:10.0.0.1');
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
    monitor.recordDisconnected('::ffff:10.0.0.1');
    expect(monitor.list('If')).to.deep.equal([]);
    monitor.recordDisconnected('10.0.0.1');
    expect(monitor.list('If')).to.deep.equal([]);
  });

  it('blacklists with a reason and remaining time, and expiry clears both', () => {
    const monitor = new BackbonePeerMonitor();
    monitor.blacklist('10.0.0.5', 300_000, 'sentinel');
    expect(monitor.isBlacklisted('10.0.0.5')).to.equal(true);
    expect(monitor.isBlacklisted('::ffff:10.0.0.5')).to.equal(true);
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
    const monitor = new BackbonePeerMonitor();
    monitor.blacklist('10.0.0.9', Infinity, 'endless');
    expect(monitor.isBlacklisted('10.0.0.9')).to.equal(true);
    const remaining = monitor.list('If')[0]?.blacklistedRemainingSecs;
    expect(remaining).to.be.a('number').and.satisfy(Number.isFinite);
    expect(remaining).to.be.within(MAX_BLACKLIST_SECS - 1, MAX_BLACKLIST_SECS);
  });

  it('drops an entry whose only content was an expired blacklist', () => {
    const monitor = new BackbonePeerMonitor();
    monitor.blacklist('10.0.0.6', 1000, 'x');
    clock.tick(1000);
    expect(monitor.list('If')).to.deep.equal([]);
  });

  it('clear lifts the blacklist and rejections but keeps live connections', () => {
    const monitor = new BackbonePeerMonitor();
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
    expect(monitor.clear('::ffff:10.0.0.8')).to.equal(true);
    expect(monitor.clear('10.0.0.8')).to.equal(false);
    expect(monitor.list('If').map((e) => e.ip)).to.deep.equal(['10.0.0.7']);
  });

  it('capBlacklists shortens blacklists to the cap from their start', () => {
    const monitor = new BackbonePeerMonitor();
    monitor.blacklist('10.0.0.9', 3_600_000, 'long');
    monitor.blacklist('10.0.0.10', 5_000, 'short');
    clock.tick(2_000);
    monitor.capBlacklists(10_000);
    const [long, short] = monitor.list('If');
    expect(long?.blacklistedRemainingSecs).to.equal(8);
    expect(short?.blacklistedRemainingSecs).to.equal(3);
  });

  it('lists entries sorted by IP', () => {
    const monitor = new BackbonePeerMonitor();
    for (const ip of ['10.0.0.10', '2001:db8::1', '9.9.9.9', '10.0.0.2']) monitor.recordConnected(ip);
    expect(monitor.list('If').map((e) => e.ip)).to.deep.equal([
      '9.9.9.9',
      '10.0.0.2',
      '10.0.0.10',
      '2001:db8::1',
    ]);
  });

  it('sweep drops reject-only history after the retention time, never live or blacklisted IPs', () => {
    const monitor = new BackbonePeerMonitor();
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
    const monitor = new BackbonePeerMonitor();
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
});
