import { expect } from 'chai';
import { HostDriver } from '../../../../src/core/driver/host-driver';
import { PeerStateEntry, PeerStateHandle } from '../../../../src/core/peer-state';
import { listenerInterface } from '../../../helpers/driver-fixtures';

/** A fake listener peer state: a map of IP -> entry, with calls recorded. */
class FakePeerState implements PeerStateHandle {
  readonly calls: string[] = [];
  private readonly peers = new Map<string, PeerStateEntry>();

  constructor(
    readonly interfaceName: string,
    ips: string[],
    private readonly cap = Infinity,
  ) {
    for (const ip of ips) this.peers.set(ip, this.entry(ip, null, null));
  }

  list(): readonly PeerStateEntry[] {
    return [...this.peers.values()];
  }

  clear(ip: string): boolean {
    this.calls.push(`clear ${ip}`);
    return this.peers.delete(ip);
  }

  blacklist(ip: string, durationSecs: number, reason: string): number {
    const applied = Math.min(durationSecs, this.cap);
    this.calls.push(`blacklist ${ip} ${durationSecs} ${reason}`);
    this.peers.set(ip, this.entry(ip, applied, reason));
    return applied;
  }

  private entry(ip: string, remaining: number | null, reason: string | null): PeerStateEntry {
    return {
      interfaceName: this.interfaceName,
      ip,
      connectedCount: 0,
      rejectCount: 0,
      blacklistedRemainingSecs: remaining,
      blacklistReason: reason,
      penaltyLevel: 0,
      windowCounts: {},
    };
  }
}

describe('HostDriver peer state', () => {
  let driver: HostDriver;
  let zulu: FakePeerState;
  let alpha: FakePeerState;

  beforeEach(() => {
    driver = new HostDriver();
    zulu = new FakePeerState('Zulu', ['10.0.0.2', '::1', '9.255.0.1', '10.0.0.10']);
    alpha = new FakePeerState('Alpha', ['2001:db8::1', '192.168.1.1'], 3600);
    driver.attach(listenerInterface(1, 'Zulu', { peerState: zulu }));
    driver.attach(listenerInterface(2, 'Alpha', { peerState: alpha }));
  });

  afterEach(() => driver.stop());

  it('lists peers sorted by interface name, then numerically by IP (IPv4 first)', () => {
    expect(driver.listPeers().map((p) => `${p.interfaceName} ${p.ip}`)).to.deep.equal([
      'Alpha 192.168.1.1',
      'Alpha 2001:db8::1',
      'Zulu 9.255.0.1',
      'Zulu 10.0.0.2',
      'Zulu 10.0.0.10',
      'Zulu ::1',
    ]);
  });

  it('lists one interface, and nothing for an unknown one', () => {
    expect(driver.listPeers('Alpha').map((p) => p.ip)).to.deep.equal(['192.168.1.1', '2001:db8::1']);
    expect(driver.listPeers('Nope')).to.deep.equal([]);
  });

  it('clears a peer, normalising IPv4-mapped addresses', () => {
    expect(driver.clearPeer('Zulu', '::ffff:10.0.0.2')).to.deep.equal({ ok: true, value: true });
    expect(driver.clearPeer('Zulu', '10.0.0.2')).to.deep.equal({ ok: true, value: false });
    expect(zulu.calls).to.deep.equal(['clear 10.0.0.2', 'clear 10.0.0.2']);
  });

  it('reports not_found for an interface without peer state and invalid_value for a bad IP', () => {
    const missing = driver.clearPeer('Nope', '10.0.0.1');
    expect(missing.ok).to.equal(false);
    if (!missing.ok) expect(missing.error.code).to.equal('not_found');
    const bad = driver.clearPeer('Zulu', '10.0.0.256');
    expect(bad).to.deep.equal({
      ok: false,
      error: { code: 'invalid_value', message: "invalid peer IP '10.0.0.256'" },
    });
    expect(zulu.calls).to.deep.equal([]);
  });

  it('blacklists a peer and returns the duration the handle applied', () => {
    expect(driver.blacklistPeer('Alpha', '203.0.113.7', 7200, 'operator')).to.deep.equal({
      ok: true,
      value: 3600,
    });
    expect(alpha.calls).to.deep.equal(['blacklist 203.0.113.7 7200 operator']);
    expect(driver.listPeers('Alpha').find((p) => p.ip === '203.0.113.7')).to.include({
      blacklistedRemainingSecs: 3600,
      blacklistReason: 'operator',
    });
  });

  it('refuses bad blacklist arguments without calling the handle', () => {
    const cases: [string, string, number, string][] = [
      ['Nope', '10.0.0.1', 60, 'not_found'],
      ['Zulu', 'not-an-ip', 60, 'invalid_value'],
      ['Zulu', '10.0.0.1', -1, 'invalid_value'],
      ['Zulu', '10.0.0.1', Number.NaN, 'invalid_value'],
      ['Zulu', '10.0.0.1', Number.POSITIVE_INFINITY, 'invalid_value'],
    ];
    for (const [name, ip, duration, code] of cases) {
      const result = driver.blacklistPeer(name, ip, duration, 'x');
      expect(result.ok, `${name} ${ip} ${duration}`).to.equal(false);
      if (!result.ok) expect(result.error.code, `${name} ${ip} ${duration}`).to.equal(code);
    }
    expect(zulu.calls).to.deep.equal([]);
  });

  it('reports a throwing handle as apply_failed', () => {
    zulu.blacklist = () => {
      throw new Error('monitor gone');
    };
    const result = driver.blacklistPeer('Zulu', '10.0.0.1', 60, 'x');
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.error).to.deep.include({ code: 'apply_failed' });
  });

  it('refuses a second peer-state handle for the same name', () => {
    expect(() =>
      driver.attach(listenerInterface(3, 'Other', { peerState: new FakePeerState('Zulu', []) })),
    ).to.throw(/peer state of 'Zulu'/);
  });
});
