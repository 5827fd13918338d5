import { expect } from 'chai';
import { RuntimeConfigHandle } from '../../../../../src/core/runtime-config';
import { DEFAULT_ABUSE_SETTINGS } from '../../../../../src/net/abuse/abuse-settings';
import { StreamServerState } from '../../../../../src/net/server/server-state';
import { createServerRuntimeHandle } from '../../../../../src/net/server/server-runtime-handle';
import { BACKBONE_SERVER_LINK } from '../../../../../src/plugins/backbone/backbone-constants';

function makeState(): StreamServerState {
  return new StreamServerState({
    link: BACKBONE_SERVER_LINK,
    name: 'Public',
    id: 1,
    listenIp: '127.0.0.1',
    listenPort: 4242,
    startup: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 },
    abuse: { ...DEFAULT_ABUSE_SETTINGS, blacklistDurationMs: 120_000, connectRateThreshold: 20 },
  });
}

/** Every abuse setting: name, kind of value, startup value of the state above. */
const ABUSE_SETTINGS: ReadonlyArray<readonly [string, number | boolean | string]> = [
  ['blacklist_duration_secs', 120],
  ['idle_timeout_blacklist_threshold', 0],
  ['idle_timeout_blacklist_window_secs', 0],
  ['write_stall_blacklist_threshold', 0],
  ['write_stall_blacklist_window_secs', 0],
  ['flap_blacklist_threshold', 0],
  ['flap_blacklist_window_secs', 0],
  ['flap_max_connection_age_secs', 10],
  ['connect_rate_threshold', 20],
  ['connect_rate_window_secs', 0],
  ['max_connections_per_ip', 32],
  ['partial_frame_timeout_secs', 30],
  ['partial_frame_blacklist_threshold', 0],
  ['partial_frame_blacklist_window_secs', 0],
  ['penalty_decay_interval_secs', 0],
  ['fast_flapping_threshold_secs', 20],
  ['fast_flapping_grace', 5],
  ['fast_flapping_block_time_secs', 43_200],
  ['max_tracked_peers', 100_000],
  ['block_fast_flapping', true],
  ['penalty_exempt', '127.0.0.0/8,::1'],
];

describe('Backbone server abuse runtime settings', () => {
  let state: StreamServerState;
  let handle: RuntimeConfigHandle;

  beforeEach(() => {
    state = makeState();
    handle = createServerRuntimeHandle(state);
  });

  it('lists every abuse setting after rns-net four, with startup values and immediate apply', () => {
    const listed = handle.list();
    expect(listed.map((s) => s.setting)).to.deep.equal([
      'idle_timeout_secs',
      'write_stall_timeout_secs',
      'max_penalty_duration_secs',
      'max_connections',
      ...ABUSE_SETTINGS.map(([name]) => name),
    ]);
    for (const [name, startup] of ABUSE_SETTINGS) {
      expect(handle.get(name)).to.deep.include({ value: startup, startup, applyMode: 'immediate' });
      expect(handle.get(name)?.description).to.be.a('string').with.length.greaterThan(20);
    }
  });

  it('sets durations in seconds into the live settings (ms), counts as is, and resets them', () => {
    const durations: ReadonlyArray<readonly [string, keyof typeof state.abuse]> = [
      ['blacklist_duration_secs', 'blacklistDurationMs'],
      ['idle_timeout_blacklist_window_secs', 'idleTimeoutWindowMs'],
      ['write_stall_blacklist_window_secs', 'writeStallWindowMs'],
      ['flap_blacklist_window_secs', 'flapWindowMs'],
      ['flap_max_connection_age_secs', 'flapMaxConnectionAgeMs'],
      ['connect_rate_window_secs', 'connectRateWindowMs'],
      ['partial_frame_timeout_secs', 'partialFrameTimeoutMs'],
      ['partial_frame_blacklist_window_secs', 'partialFrameWindowMs'],
      ['penalty_decay_interval_secs', 'penaltyDecayIntervalMs'],
      ['fast_flapping_threshold_secs', 'fastFlappingThresholdMs'],
      ['fast_flapping_block_time_secs', 'fastFlappingBlockTimeMs'],
    ];
    for (const [name, field] of durations) {
      expect(handle.set(name, 2.5)).to.deep.include({ ok: true });
      expect(state.abuse[field]).to.equal(2500, name);
      expect(handle.get(name)?.value).to.equal(2.5);
    }
    const counts: ReadonlyArray<readonly [string, keyof typeof state.abuse]> = [
      ['idle_timeout_blacklist_threshold', 'idleTimeoutThreshold'],
      ['write_stall_blacklist_threshold', 'writeStallThreshold'],
      ['flap_blacklist_threshold', 'flapThreshold'],
      ['connect_rate_threshold', 'connectRateThreshold'],
      ['max_connections_per_ip', 'maxConnectionsPerIp'],
      ['partial_frame_blacklist_threshold', 'partialFrameThreshold'],
      ['fast_flapping_grace', 'fastFlappingGrace'],
      ['max_tracked_peers', 'maxTrackedIps'],
    ];
    for (const [name, field] of counts) {
      expect(handle.set(name, 7).ok).to.equal(true);
      expect(state.abuse[field]).to.equal(7, name);
    }
    expect(handle.set('block_fast_flapping', false).ok).to.equal(true);
    expect(state.abuse.blockFastFlapping).to.equal(false);
    for (const [name, startup] of ABUSE_SETTINGS) {
      expect(handle.reset(name)).to.deep.include({ ok: true });
      expect(handle.get(name)?.value).to.equal(startup, name);
    }
    expect(state.abuse).to.deep.equal({
      ...DEFAULT_ABUSE_SETTINGS,
      blacklistDurationMs: 120_000,
      connectRateThreshold: 20,
    });
  });

  it('takes penalty_exempt as a comma list, empty for none, and refuses an invalid entry', () => {
    expect(handle.set('penalty_exempt', ' 10.0.0.0/8 , 2001:db8::/32 ').ok).to.equal(true);
    expect(state.abuse.penaltyExempt).to.deep.equal(['10.0.0.0/8', '2001:db8::/32']);
    expect(handle.get('penalty_exempt')?.value).to.equal('10.0.0.0/8,2001:db8::/32');
    expect(state.tracker.isExempt('10.9.9.9')).to.equal(true);
    expect(state.tracker.isExempt('127.0.0.1')).to.equal(false);
    expect(handle.set('penalty_exempt', '').ok).to.equal(true);
    expect(state.abuse.penaltyExempt).to.deep.equal([]);
    expect(handle.set('penalty_exempt', '10.0.0.1, not-an-ip')).to.deep.equal({
      ok: false,
      error: {
        code: 'invalid_value',
        message:
          "backbone.Public.penalty_exempt has an invalid entry: 'not-an-ip' is not an IP address or CIDR range",
      },
    });
    expect(state.abuse.penaltyExempt).to.deep.equal([], 'a refused value changes nothing');
    expect(handle.set('penalty_exempt', 5)).to.deep.include({ ok: false });
  });

  it('refuses bad values with the rns-net codes', () => {
    expect(handle.set('connect_rate_threshold', 2.5)).to.deep.equal({
      ok: false,
      error: { code: 'invalid_type', message: 'backbone.Public.connect_rate_threshold expects an integer' },
    });
    expect(handle.set('blacklist_duration_secs', -1)).to.deep.equal({
      ok: false,
      error: { code: 'invalid_value', message: 'backbone.Public.blacklist_duration_secs must be >= 0' },
    });
    expect(handle.set('max_tracked_peers', 0)).to.deep.equal({
      ok: false,
      error: { code: 'invalid_value', message: 'backbone.Public.max_tracked_peers must be >= 1' },
    });
    expect(handle.set('block_fast_flapping', 'yes')).to.deep.equal({
      ok: false,
      error: { code: 'invalid_type', message: 'backbone.Public.block_fast_flapping expects a boolean' },
    });
  });

  it('tells the running server when partial_frame_timeout_secs changes, so connected peers re-arm', () => {
    let notified = 0;
    state.attach({ runtimeChanged: () => notified++, disconnectIp: () => 0 });
    expect(handle.set('partial_frame_timeout_secs', 5).ok).to.equal(true);
    expect(notified).to.equal(1);
    expect(handle.set('max_connections_per_ip', 4).ok).to.equal(true);
    expect(notified).to.equal(1, 'the cap applies to the next connection, nothing to re-arm');
  });

  it('lowering max_tracked_peers trims the behaviour table at the next sweep, keeping the most recent', () => {
    state.abuse.penaltyExempt = [];
    state.abuse.connectRateWindowMs = 10_000;
    for (let i = 0; i < 50; i++) state.tracker.recordConnectAttempt(`198.51.100.${i}`);
    expect(state.tracker.size).to.equal(50);
    expect(handle.set('max_tracked_peers', 10).ok).to.equal(true);
    state.sweep();
    expect(state.tracker.size).to.equal(10);
    expect([...state.tracker.trackedIps()]).to.include('198.51.100.49', 'the most recent entries stay');
  });
});
