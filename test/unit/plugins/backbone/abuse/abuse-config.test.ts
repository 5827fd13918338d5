import { expect } from 'chai';
import { ConfigError } from '../../../../../src/core/errors';
import { DEFAULT_ABUSE_SETTINGS } from '../../../../../src/net/abuse/abuse-settings';
import { BackboneServerConfig } from '../../../../../src/plugins/backbone/backbone-config';
import { parseBackboneConfig } from '../../../../../src/plugins/backbone/backbone-config-parser';
import { ConfigParams } from '../../../../../src/registry/config-params';
import { catchConfigError, itRejectsNamingSectionAndKey } from '../../../../helpers/config-error';

function parse(params: ConfigParams): BackboneServerConfig {
  const config = parseBackboneConfig('Public', 2, params);
  if (config.mode !== 'server') throw new Error('expected a server section');
  return config;
}

function configError(params: ConfigParams): ConfigError {
  return catchConfigError(() => parseBackboneConfig('Bad', 5, params));
}

describe('Backbone server abuse config keys', () => {
  it('defaults: behaviour detectors off, Python fast-flap blocking on (20 s, 5, 12 h), loopback exempt, 32 connections per IP, 30 s for an unfinished frame', () => {
    const config = parse({});
    expect(config.abuse).to.deep.equal(DEFAULT_ABUSE_SETTINGS);
    expect(config.abuse).to.deep.include({
      maxConnectionsPerIp: 32,
      partialFrameTimeoutMs: 30_000,
      partialFrameThreshold: 0,
      partialFrameWindowMs: 0,
      blacklistDurationMs: 0,
      blockFastFlapping: true,
      fastFlappingThresholdMs: 20_000,
      fastFlappingGrace: 5,
      fastFlappingBlockTimeMs: 43_200_000,
      maxTrackedIps: 100_000,
    });
    expect(config.abuse?.penaltyExempt).to.deep.equal(['127.0.0.0/8', '::1']);
  });

  it('reads every key: durations in seconds (fractions allowed), the fast-flap block time in minutes', () => {
    const config = parse({
      blacklist_duration: '120',
      idle_timeout_blacklist_threshold: '4',
      idle_timeout_blacklist_window: '300',
      write_stall_blacklist_threshold: '2',
      write_stall_blacklist_window: '300.5',
      flap_blacklist_threshold: '5',
      flap_blacklist_window: '60',
      flap_max_connection_age: '10',
      connect_rate_threshold: '20',
      connect_rate_window: '10',
      partial_frame_blacklist_threshold: '3',
      partial_frame_blacklist_window: '600',
      penalty_decay_interval: '3600',
      penalty_exempt: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'],
      block_fast_flapping: 'no',
      fast_flapping_threshold: '7.5',
      fast_flapping_grace: '3',
      fast_flapping_block_time: '1.5',
      max_tracked_peers: '5000',
      max_connections_per_ip: '8',
      partial_frame_timeout: '12.5',
      max_penalty_duration: '86400',
    });
    expect(config.abuse).to.deep.equal({
      blacklistDurationMs: 120_000,
      idleTimeoutThreshold: 4,
      idleTimeoutWindowMs: 300_000,
      writeStallThreshold: 2,
      writeStallWindowMs: 300_500,
      flapThreshold: 5,
      flapWindowMs: 60_000,
      flapMaxConnectionAgeMs: 10_000,
      connectRateThreshold: 20,
      connectRateWindowMs: 10_000,
      partialFrameThreshold: 3,
      partialFrameWindowMs: 600_000,
      penaltyDecayIntervalMs: 3_600_000,
      blockFastFlapping: false,
      fastFlappingThresholdMs: 7_500,
      fastFlappingGrace: 3,
      fastFlappingBlockTimeMs: 90_000,
      penaltyExempt: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'],
      maxTrackedIps: 5000,
      maxConnectionsPerIp: 8,
      partialFrameTimeoutMs: 12_500,
    });
    expect(config.startup.maxPenaltyDurationMs).to.equal(86_400_000);
    expect(config.unknownKeys).to.deep.equal([]);
  });

  it('reads penalty_exempt as a single value or a comma list; an empty value exempts nothing', () => {
    expect(parse({ penalty_exempt: '10.1.2.3' }).abuse?.penaltyExempt).to.deep.equal(['10.1.2.3']);
    expect(parse({ penalty_exempt: '10.1.2.3, ::1' }).abuse?.penaltyExempt).to.deep.equal([
      '10.1.2.3',
      '::1',
    ]);
    expect(parse({ penalty_exempt: '' }).abuse?.penaltyExempt).to.deep.equal([]);
  });

  it('writes penalty_exempt entries in their canonical form, mapped IPv4 ranges as IPv4', () => {
    const config = parse({
      penalty_exempt: '0:0:0:0:0:0:0:1, ::FFFF:10.0.0.0/104, 2001:0DB8::/32, ::ffff:7f00:7',
    });
    expect(config.abuse?.penaltyExempt).to.deep.equal(['::1', '10.0.0.0/8', '2001:db8::/32', '127.0.0.7']);
  });

  it('names the key and the entry of an invalid penalty_exempt entry', () => {
    for (const entry of ['10.0.0.0/33', 'example.org', '::1/129', '10.0.0.0/x', '::1%lo', 'fe80::%eth0/64']) {
      const err = configError({ penalty_exempt: ['127.0.0.1', entry] });
      expect(err.section).to.equal('Bad');
      expect(err.key).to.equal('penalty_exempt');
      expect(err.message).to.include(`'${entry}'`);
    }
  });

  itRejectsNamingSectionAndKey(
    'Bad',
    [
      ['blacklist_duration', '-1'],
      ['blacklist_duration', 'two minutes'],
      ['idle_timeout_blacklist_threshold', '1.5'],
      ['idle_timeout_blacklist_window', 'x'],
      ['write_stall_blacklist_threshold', '-2'],
      ['write_stall_blacklist_window', '-300'],
      ['flap_blacklist_threshold', 'many'],
      ['flap_blacklist_window', '1e'],
      ['flap_max_connection_age', '-0.1'],
      ['connect_rate_threshold', '2.5'],
      ['connect_rate_window', ''],
      ['penalty_decay_interval', 'hourly'],
      ['block_fast_flapping', 'sometimes'],
      ['fast_flapping_threshold', '-20'],
      ['fast_flapping_grace', '0.5'],
      ['fast_flapping_block_time', 'forever'],
      ['max_tracked_peers', '0'],
      ['max_tracked_peers', 'lots'],
      ['max_connections_per_ip', '-1'],
      ['max_connections_per_ip', '2.5'],
      ['partial_frame_timeout', '-30'],
      ['partial_frame_timeout', 'soon'],
      ['partial_frame_blacklist_threshold', '0.5'],
      ['partial_frame_blacklist_window', '-1'],
    ],
    (params) => parseBackboneConfig('Bad', 5, params),
  );

  it('never reads abuse keys in client mode (they are reported as unknown there)', () => {
    const config = parseBackboneConfig('Uplink', 4, { target_host: 'hub.example', blacklist_duration: '60' });
    expect(config.unknownKeys).to.deep.equal(['blacklist_duration']);
  });
});
