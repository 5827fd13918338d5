import { expect } from 'chai';
import sinon from 'sinon';
import { HostDriver } from '../../../../src/core/driver/host-driver';
import { MAX_PEER_PAGE_SIZE } from '../../../../src/core/driver/peer-state-service';
import { PeerStateEntry, PeerStateHandle, PeerStatePage } from '../../../../src/core/peer-state';
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
    for (const ip of ips) this.peers.set(ip, this.make(ip, null, null));
  }

  ips(): IterableIterator<string> {
    return this.peers.keys();
  }

  entry(ip: string): PeerStateEntry | undefined {
    return this.peers.get(ip);
  }

  /** Adds (or replaces) an IP, as a connection would. */
  add(ip: string): void {
    this.peers.set(ip, this.make(ip, null, null));
  }

  clear(ip: string): boolean {
    this.calls.push(`clear ${ip}`);
    return this.peers.delete(ip);
  }

  blacklist(ip: string, durationSecs: number, reason: string): number {
    const applied = Math.min(durationSecs, this.cap);
    this.calls.push(`blacklist ${ip} ${durationSecs} ${reason}`);
    this.peers.set(ip, this.make(ip, applied, reason));
    return applied;
  }

  private make(ip: string, remaining: number | null, reason: string | null): PeerStateEntry {
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
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    driver = new HostDriver();
    zulu = new FakePeerState('Zulu', ['10.0.0.2', '::1', '9.255.0.1', '10.0.0.10']);
    alpha = new FakePeerState('Alpha', ['2001:db8::1', '192.168.1.1'], 3600);
    driver.attach(listenerInterface(1, 'Zulu', { peerState: zulu }));
    driver.attach(listenerInterface(2, 'Alpha', { peerState: alpha }));
  });

  afterEach(() => {
    driver.stop();
    clock.restore();
  });

  /** Every page of a listing, reading `limit` at a time. */
  function allPages(interfaceName?: string, limit?: number): PeerStatePage[] {
    const pages: PeerStatePage[] = [];
    let cursor: string | undefined;
    do {
      const result = driver.listPeerPage({ interfaceName, cursor, limit });
      if (!result.ok) throw new Error(result.error.message);
      pages.push(result.value);
      cursor = result.value.cursor ?? undefined;
    } while (cursor !== undefined && pages.length < 100);
    return pages;
  }

  describe('paged listing', () => {
    it('pages through every listener, each IP once, the last page with a null cursor', () => {
      const pages = allPages(undefined, 2);
      expect(pages.map((p) => p.peers.length)).to.deep.equal([2, 2, 2]);
      expect(pages.map((p) => p.cursor === null)).to.deep.equal([false, false, true]);
      const listed = pages.flatMap((p) => p.peers.map((e) => `${e.interfaceName} ${e.ip}`));
      expect(listed.sort()).to.deep.equal(
        driver
          .listPeers()
          .map((e) => `${e.interfaceName} ${e.ip}`)
          .sort(),
      );
      expect(allPages('Alpha', 500)).to.have.length(1);
      expect(allPages('Alpha')[0]?.peers.map((e) => e.ip)).to.have.members(['2001:db8::1', '192.168.1.1']);
    });

    it('reads the live table: IPs there throughout are listed once, gone ones are skipped, new ones may come', () => {
      const first = driver.listPeerPage({ interfaceName: 'Zulu', limit: 1 });
      if (!first.ok) throw new Error('listing failed');
      const seen = new Set(first.value.peers.map((e) => e.ip));
      zulu.add('10.9.9.9');
      const gone = ['10.0.0.2', '::1', '9.255.0.1', '10.0.0.10'].find((ip) => !seen.has(ip)) as string;
      zulu.clear(gone);
      let cursor = first.value.cursor;
      while (cursor !== null) {
        const next = driver.listPeerPage({ interfaceName: 'Zulu', cursor, limit: 1 });
        if (!next.ok) throw new Error('listing failed');
        for (const e of next.value.peers) seen.add(e.ip);
        cursor = next.value.cursor;
      }
      expect(seen.has(gone)).to.equal(false);
      expect([...seen].filter((ip) => ip !== '10.9.9.9')).to.have.length(3);
    });

    it('refuses a bad limit, and an unknown, used, expired or foreign cursor', () => {
      for (const limit of [0, -1, 1.5, MAX_PEER_PAGE_SIZE + 1]) {
        const result = driver.listPeerPage({ limit });
        expect(!result.ok && result.error.code, String(limit)).to.equal('invalid_value');
      }
      const open = driver.listPeerPage({ interfaceName: 'Zulu', limit: 1 });
      const cursor = open.ok ? (open.value.cursor as string) : '';
      const foreign = driver.listPeerPage({ interfaceName: 'Alpha', cursor });
      expect(!foreign.ok && foreign.error.code).to.equal('invalid_value');
      for (const bad of ['x', '999:0', '']) {
        const result = driver.listPeerPage({ interfaceName: 'Zulu', cursor: bad });
        expect(!result.ok && result.error.message, bad).to.match(/unknown or expired peer listing cursor/);
      }
      const second = driver.listPeerPage({ interfaceName: 'Zulu', cursor, limit: 1 });
      expect(second.ok).to.equal(true);
      const reused = driver.listPeerPage({ interfaceName: 'Zulu', cursor });
      expect(!reused.ok && reused.error.code, 'a cursor is good once').to.equal('invalid_value');
      clock.tick(60_001);
      const next = second.ok ? (second.value.cursor as string) : '';
      const expired = driver.listPeerPage({ interfaceName: 'Zulu', cursor: next });
      expect(!expired.ok && expired.error.code).to.equal('invalid_value');
      const done = allPages('Alpha');
      expect(done.at(-1)?.cursor).to.equal(null);
    });

    it('keeps at most 8 listings open, forgetting the least recently used', () => {
      const cursors: string[] = [];
      for (let i = 0; i < 9; i++) {
        const page = driver.listPeerPage({ limit: 1 });
        if (page.ok) cursors.push(page.value.cursor as string);
      }
      expect(driver.listPeerPage({ cursor: cursors[0] }).ok).to.equal(false);
      expect(driver.listPeerPage({ cursor: cursors[1] }).ok).to.equal(true);
      expect(driver.listPeerPage({ cursor: cursors[8] }).ok).to.equal(true);
    });

    it('gives an empty last page for an interface without peer state', () => {
      expect(driver.listPeerPage({ interfaceName: 'Nope' })).to.deep.equal({
        ok: true,
        value: { peers: [], cursor: null },
      });
    });
  });

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
