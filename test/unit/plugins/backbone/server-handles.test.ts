import { expect } from 'chai';
import sinon from 'sinon';
import { MAX_BLACKLIST_SECS } from '../../../../src/core/peer-state';
import { BackboneServerConfig } from '../../../../src/plugins/backbone/backbone-config';
import { ServerLiveControl, StreamServerState } from '../../../../src/net/server/server-state';
import { createServerPeerStateHandle } from '../../../../src/net/server/server-peer-state-handle';
import { createServerRuntimeHandle } from '../../../../src/net/server/server-runtime-handle';
import { BACKBONE_SERVER_LINK } from '../../../../src/plugins/backbone/backbone-constants';

function makeState(startup: Partial<BackboneServerConfig['startup']> = {}): StreamServerState {
  return new StreamServerState({
    link: BACKBONE_SERVER_LINK,
    name: 'Public',
    id: 1,
    listenIp: '127.0.0.1',
    listenPort: 4242,
    startup: {
      maxConnections: 8,
      idleTimeoutMs: 15_000,
      writeStallTimeoutMs: 30_000,
      maxPenaltyDurationMs: 0,
      ...startup,
    },
  });
}

function fakeLive(): ServerLiveControl & { changes: number; disconnected: string[] } {
  const live = {
    changes: 0,
    disconnected: [] as string[],
    runtimeChanged: () => void (live.changes += 1),
    disconnectIp: (ip: string) => {
      live.disconnected.push(ip);
      return 1;
    },
  };
  return live;
}

describe('Backbone server runtime-config handle', () => {
  it('lists the four rns-net settings with their descriptions, apply modes and startup values', () => {
    const handle = createServerRuntimeHandle(makeState());
    expect(handle.keyPrefix).to.equal('backbone');
    expect(handle.interfaceName).to.equal('Public');
    expect(handle.list().slice(0, 4)).to.deep.equal([
      {
        setting: 'idle_timeout_secs',
        value: 15,
        startup: 15,
        applyMode: 'immediate',
        description: 'Disconnect silent inbound peers after this many seconds; 0 disables the timeout.',
      },
      {
        setting: 'write_stall_timeout_secs',
        value: 30,
        startup: 30,
        applyMode: 'immediate',
        description:
          'Disconnect peers whose send buffer remains unwritable for this many seconds; 0 disables the timeout.',
      },
      {
        setting: 'max_penalty_duration_secs',
        value: 0,
        startup: 0,
        applyMode: 'immediate',
        description: 'Maximum accepted blacklist duration; 0 means no cap.',
      },
      {
        setting: 'max_connections',
        value: 8,
        startup: 8,
        applyMode: 'new_connections_only',
        description: 'Maximum simultaneous inbound connections; 0 disables the cap.',
      },
    ]);
  });

  it('sets values into the shared runtime (seconds -> ms), notifies the server, resets to startup', () => {
    const state = makeState();
    const live = fakeLive();
    state.attach(live);
    const handle = createServerRuntimeHandle(state);
    expect(handle.set('idle_timeout_secs', 2.5)).to.deep.include({ ok: true });
    expect(state.runtime.idleTimeoutMs).to.equal(2500);
    expect(handle.get('idle_timeout_secs')?.value).to.equal(2.5);
    expect(handle.set('write_stall_timeout_secs', 15).ok).to.equal(true);
    expect(state.runtime.writeStallTimeoutMs).to.equal(15_000);
    expect(handle.set('max_connections', 0).ok).to.equal(true);
    expect(state.runtime.maxConnections).to.equal(0);
    expect(live.changes).to.equal(2);
    expect(handle.reset('max_connections')).to.deep.include({ ok: true });
    expect(state.runtime.maxConnections).to.equal(8);
    expect(handle.reset('write_stall_timeout_secs').ok).to.equal(true);
    expect(handle.get('write_stall_timeout_secs')?.value).to.equal(30);
    expect(handle.get('write_stall_timeout_secs')?.startup).to.equal(30);
  });

  it('rejects bad values with the rns-net codes and messages', () => {
    const handle = createServerRuntimeHandle(makeState());
    expect(handle.set('max_connections', 2.5)).to.deep.equal({
      ok: false,
      error: { code: 'invalid_type', message: 'backbone.Public.max_connections expects an integer' },
    });
    expect(handle.set('max_connections', -1)).to.deep.equal({
      ok: false,
      error: { code: 'invalid_value', message: 'backbone.Public.max_connections must be >= 0' },
    });
    expect(handle.set('idle_timeout_secs', 'soon')).to.deep.equal({
      ok: false,
      error: { code: 'invalid_type', message: 'backbone.Public.idle_timeout_secs expects a numeric value' },
    });
    expect(handle.set('idle_timeout_secs', -0.5)).to.deep.equal({
      ok: false,
      error: { code: 'invalid_value', message: 'backbone.Public.idle_timeout_secs must be >= 0' },
    });
    expect(handle.set('nope', 1)).to.deep.equal({
      ok: false,
      error: { code: 'unknown_key', message: "unknown runtime-config key 'backbone.Public.nope'" },
    });
    expect(handle.reset('nope').ok).to.equal(false);
    expect(handle.get('nope')).to.equal(undefined);
  });

  it('refuses every duration past the longest timer (idle_timeout_secs 1e308 would close peers at once)', () => {
    const state = makeState();
    const handle = createServerRuntimeHandle(state);
    const durations = handle.list().filter((s) => s.setting.endsWith('_secs'));
    expect(durations.length).to.be.at.least(12);
    const before = { runtime: { ...state.runtime }, abuse: { ...state.abuse } };
    for (const { setting } of durations) {
      for (const secs of [1e308, 3_000_000, 2_147_483.648]) {
        expect(handle.set(setting, secs), `${setting} ${secs}`).to.deep.equal({
          ok: false,
          error: {
            code: 'invalid_value',
            message: `backbone.Public.${setting} must be <= 2147483.647 (about 24.8 days, the longest timer)`,
          },
        });
      }
    }
    expect({ runtime: state.runtime, abuse: state.abuse }).to.deep.equal(before);
    for (const { setting } of durations)
      expect(handle.set(setting, 2_147_483.647).ok, setting).to.equal(true);
    expect(state.runtime.idleTimeoutMs).to.equal(2_147_483_647);
  });

  it('lowering max_penalty_duration_secs shortens existing blacklists', () => {
    const clock = sinon.useFakeTimers({ now: 5_000_000, toFake: ['Date'] });
    try {
      const state = makeState();
      const peers = createServerPeerStateHandle(state);
      expect(peers.blacklist('10.0.0.1', 3600, 'x')).to.equal(3600);
      expect(createServerRuntimeHandle(state).set('max_penalty_duration_secs', 60).ok).to.equal(true);
      expect(peers.entry('10.0.0.1')?.blacklistedRemainingSecs).to.equal(60);
    } finally {
      clock.restore();
    }
  });
});

describe('Backbone server peer-state handle', () => {
  it('blacklists (creating the entry), caps at max_penalty_duration, disconnects live connections', () => {
    const state = makeState({ maxPenaltyDurationMs: 100_000 });
    const live = fakeLive();
    state.attach(live);
    const handle = createServerPeerStateHandle(state);
    expect(handle.interfaceName).to.equal('Public');
    expect(handle.blacklist('10.0.0.1', 300, 'sentinel blacklist')).to.equal(100);
    expect(handle.blacklist('10.0.0.2', 50, 'short')).to.equal(50);
    expect(live.disconnected).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    const entries = state.list();
    expect(entries.map((e) => e.ip)).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    expect(entries[0]).to.include({
      interfaceName: 'Public',
      blacklistReason: 'sentinel blacklist',
      penaltyLevel: 0,
    });
    expect(entries[0]?.blacklistedRemainingSecs).to.be.within(99.9, 100);
    expect(entries[0]?.windowCounts).to.deep.equal({});
  });

  it('keeps an enormous blacklist finite and listed (1e308 s, no max_penalty_duration)', () => {
    const handle = createServerPeerStateHandle(makeState());
    expect(handle.blacklist('10.0.0.1', 1e308, 'forever')).to.equal(MAX_BLACKLIST_SECS);
    const entry = handle.entry('10.0.0.1');
    expect(entry?.blacklistReason).to.equal('forever');
    expect(entry?.blacklistedRemainingSecs).to.be.within(MAX_BLACKLIST_SECS - 1, MAX_BLACKLIST_SECS);
    // What the control socket sends: the time left survives JSON (Infinity would become null).
    const wire = JSON.parse(JSON.stringify(entry)) as { blacklistedRemainingSecs: number | null };
    expect(wire.blacklistedRemainingSecs).to.be.a('number').above(3e9);
  });

  it('clears an IP and reports whether there was any state', () => {
    const state = makeState();
    const handle = createServerPeerStateHandle(state);
    handle.blacklist('2001:db8::1', 60, 'x');
    expect(handle.clear('2001:DB8::1')).to.equal(true);
    expect(handle.clear('2001:db8::1')).to.equal(false);
    expect(state.list()).to.deep.equal([]);
    expect([...handle.ips()]).to.deep.equal([]);
  });

  it('keys every spelling of an address as one canonical IP, and refuses zone ids', () => {
    const state = makeState();
    const live = fakeLive();
    state.attach(live);
    const handle = createServerPeerStateHandle(state);
    handle.blacklist('0:0:0:0:0:0:0:1', 60, 'x');
    handle.blacklist('::ffff:7f00:7', 60, 'x');
    handle.blacklist('2001:0DB8:0:0:0:0:0:0001', 60, 'x');
    expect(live.disconnected).to.deep.equal(['::1', '127.0.0.7', '2001:db8::1']);
    expect(state.list().map((e) => e.ip)).to.deep.equal(['127.0.0.7', '::1', '2001:db8::1']);
    expect(state.monitor.isBlacklisted('::1')).to.equal(true);
    expect(state.monitor.isBlacklisted('127.0.0.7')).to.equal(true);
    expect(handle.clear('0000::0001')).to.equal(true);
    expect(handle.clear('::ffff:127.0.0.7')).to.equal(true);
    expect(() => handle.blacklist('::1%lo', 60, 'x')).to.throw(/invalid peer IP '::1%lo'/);
    expect(handle.clear('fe80::1%eth0')).to.equal(false);
  });

  it('refuses an invalid IP or duration', () => {
    const handle = createServerPeerStateHandle(makeState());
    expect(() => handle.blacklist('not-an-ip', 60, 'x')).to.throw(/invalid peer IP/);
    expect(() => handle.blacklist('10.0.0.1', -1, 'x')).to.throw(/>= 0/);
    expect(() => handle.blacklist('10.0.0.1', Number.NaN, 'x')).to.throw(/>= 0/);
  });

  it('a detached (stopped) server is no longer asked to disconnect', () => {
    const state = makeState();
    const live = fakeLive();
    state.attach(live);
    state.detach(live);
    createServerPeerStateHandle(state).blacklist('10.0.0.1', 60, 'x');
    expect(live.disconnected).to.deep.equal([]);
  });
});
