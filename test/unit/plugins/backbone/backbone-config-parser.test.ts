import { expect } from 'chai';
import { parseNodeConfig } from '../../../../src/node/config/node-config';
import { ConfigError } from '../../../../src/core/errors';
import { BackboneClientConfig, BackboneServerConfig } from '../../../../src/plugins/backbone/backbone-config';
import { NUMERIC_ABUSE_KEYS } from '../../../../src/net/abuse/abuse-setting-keys';
import {
  parseBackboneClientConfig,
  parseBackboneConfig,
} from '../../../../src/plugins/backbone/backbone-config-parser';
import { NetworkInterfaceTable } from '../../../../src/net/network-device-address';
import { ConfigParams } from '../../../../src/registry/config-params';
import { catchConfigError, itRejectsNamingSectionAndKey } from '../../../helpers/config-error';

const NICS: NetworkInterfaceTable = {
  eth0: [
    {
      address: 'fe80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '00:00:00:00:00:01',
      internal: false,
      cidr: null,
      scopeid: 2,
    },
    {
      address: '192.0.2.10',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:01',
      internal: false,
      cidr: null,
    },
    {
      address: '192.0.2.11',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:01',
      internal: false,
      cidr: null,
    },
  ],
  wg0: [
    {
      address: '2001:db8::5',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '00:00:00:00:00:00',
      internal: false,
      cidr: null,
      scopeid: 0,
    },
  ],
  lo6: [
    {
      address: 'fe80::9',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '00:00:00:00:00:00',
      internal: false,
      cidr: null,
      scopeid: 1,
    },
  ],
};

function server(params: ConfigParams): BackboneServerConfig {
  const config = parseBackboneConfig('Backbone', 3, params, { networkInterfaces: NICS });
  expect(config.mode).to.equal('server');
  return config as BackboneServerConfig;
}

function client(params: ConfigParams): BackboneClientConfig {
  const config = parseBackboneConfig('Uplink', 4, params);
  expect(config.mode).to.equal('client');
  return config as BackboneClientConfig;
}

function configError(params: ConfigParams): ConfigError {
  return catchConfigError(() => parseBackboneConfig('Bad', 5, params, { networkInterfaces: NICS }));
}

describe('parseBackboneConfig', () => {
  it('reads the server keys of the seed (listen address, port, abuse settings) in ms', () => {
    const config = server({
      listen_ip: '127.0.0.1',
      listen_port: '4242',
      idle_timeout: '15',
      write_stall_timeout: '45',
      max_penalty_duration: '3600',
    });
    expect(config).to.deep.include({ name: 'Backbone', id: 3, listenIp: '127.0.0.1', listenPort: 4242 });
    expect(config.startup).to.deep.equal({
      maxConnections: 0,
      idleTimeoutMs: 15_000,
      writeStallTimeoutMs: 45_000,
      maxPenaltyDurationMs: 3_600_000,
    });
    expect(config.unknownKeys).to.deep.equal([]);
  });

  it('defaults: 0.0.0.0:4242, a 30 s write stall timeout, every other limit off', () => {
    const config = server({});
    expect(config.listenIp).to.equal('0.0.0.0');
    expect(config.listenPort).to.equal(4242);
    expect(config.startup).to.deep.equal({
      maxConnections: 0,
      idleTimeoutMs: 0,
      writeStallTimeoutMs: 30_000,
      maxPenaltyDurationMs: 0,
    });
    expect(server({ write_stall_timeout: '0' }).startup.writeStallTimeoutMs).to.equal(0, '0 = off');
  });

  it('accepts fractional seconds and max_connections', () => {
    const config = server({ idle_timeout: '0.15', write_stall_timeout: '2.5', max_connections: '128' });
    expect(config.startup.idleTimeoutMs).to.equal(150);
    expect(config.startup.writeStallTimeoutMs).to.equal(2500);
    expect(config.startup.maxConnections).to.equal(128);
  });

  it('takes listen_port = 0 as any free port, and refuses target port 0 for a client', () => {
    expect(server({ listen_port: '0' }).listenPort).to.equal(0);
    expect(server({ port: '0' }).listenPort).to.equal(0);
    expect(catchConfigError(() => client({ target_host: 'a', target_port: '0' })).key).to.equal(
      'target_port',
    );
  });

  it('honours the Python aliases: port and listen_on win over listen_port and listen_ip', () => {
    expect(server({ port: '5000' }).listenPort).to.equal(5000);
    expect(server({ listen_port: '4000', port: '5000' }).listenPort).to.equal(5000);
    expect(server({ listen_on: '10.0.0.1' }).listenIp).to.equal('10.0.0.1');
    expect(server({ listen_ip: '10.0.0.2', listen_on: '10.0.0.1' }).listenIp).to.equal('10.0.0.1');
  });

  it('resolves device to the first IPv4 address, IPv6 with prefer_ipv6 or when there is no IPv4', () => {
    expect(server({ device: 'eth0' }).listenIp).to.equal('192.0.2.10');
    expect(server({ device: 'eth0', listen_ip: '10.9.9.9' }).listenIp).to.equal('192.0.2.10');
    expect(server({ device: 'eth0', prefer_ipv6: 'yes' }).listenIp).to.equal('fe80::1%eth0');
    expect(server({ device: 'wg0' }).listenIp).to.equal('2001:db8::5');
    expect(server({ device: 'lo6' }).listenIp).to.equal('fe80::9%lo6');
  });

  it('names the interface and key of a device that does not exist', () => {
    const err = configError({ device: 'nope0' });
    expect(err.section).to.equal('Bad');
    expect(err.key).to.equal('device');
    expect(err.message).to.include('nope0');
  });

  itRejectsNamingSectionAndKey(
    'Bad',
    [
      ['listen_port', 'abc'],
      ['port', '70000'],
      ['port', '-1'],
      ['idle_timeout', '-1'],
      ['write_stall_timeout', 'soon'],
      ['max_penalty_duration', '-0.5'],
      ['max_connections', '2.5'],
      ['max_connections', '-1'],
      ['prefer_ipv6', 'maybe'],
      ['listen_ip', '  '],
    ],
    (params) => parseBackboneConfig('Bad', 5, params, { networkInterfaces: NICS }),
  );

  it('validates a shadowed alias too (no silent acceptance of a bad listen_port)', () => {
    expect(configError({ listen_port: 'abc', port: '4242' }).key).to.equal('listen_port');
  });

  it('reports every key it does not know', () => {
    const config = server({ listen_ip: '127.0.0.1', idle_timeuot: '5', colour: 'blue' });
    expect(config.unknownKeys).to.deep.equal(['idle_timeuot', 'colour']);
  });

  it('never sees, so never reports, the keys the node owns', () => {
    const [section] = parseNodeConfig(
      [
        '[interfaces]',
        '  [[Public]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    listen_ip = 127.0.0.1',
        '    idle_timeuot = 5',
        '    ingress_control = yes',
        '    ic_burst_hold = 15',
        '    networkname = x',
        '    announce_rate_target = 3600',
        '    discoverable = no',
      ].join('\n'),
      'config',
    ).interfaces;
    expect(parseBackboneConfig('Public', 1, section!.params).unknownKeys).to.deep.equal(['idle_timeuot']);
  });

  it('selects client mode with target_host or remote, defaults included', () => {
    const config = client({ target_host: 'hub.example', transport_identity: 'abcd' });
    expect(config).to.deep.include({
      name: 'Uplink',
      id: 4,
      targetHost: 'hub.example',
      targetPort: 4242,
      transportIdentity: 'abcd',
    });
    expect(config.startup).to.deep.equal({
      reconnectWaitMs: 5000,
      maxReconnectTries: null,
      connectTimeoutMs: 5000,
      writeStallTimeoutMs: 30_000,
    });
    expect(client({ remote: '10.1.1.1' }).transportIdentity).to.equal(null);
  });

  it('reads the client keys and aliases (remote and port win, as in Python)', () => {
    const config = client({
      target_host: 'a.example',
      remote: 'b.example',
      target_port: '1000',
      port: '2000',
      reconnect_wait: '1.5',
      max_reconnect_tries: '3',
      connect_timeout: '2.5',
      write_stall_timeout: '0.25',
    });
    expect(config.targetHost).to.equal('b.example');
    expect(config.targetPort).to.equal(2000);
    expect(config.startup).to.deep.equal({
      reconnectWaitMs: 1500,
      maxReconnectTries: 3,
      connectTimeoutMs: 2500,
      writeStallTimeoutMs: 250,
    });
    expect(client({ target_host: 'a', target_port: '1000' }).targetPort).to.equal(1000);
  });

  it('reads the client write_stall_timeout in seconds (0 = off) and does not call it unknown', () => {
    expect(client({ target_host: 'a', write_stall_timeout: '0' }).startup.writeStallTimeoutMs).to.equal(0);
    expect(client({ target_host: 'a', write_stall_timeout: '45' }).startup.writeStallTimeoutMs).to.equal(
      45_000,
    );
    expect(client({ target_host: 'a', write_stall_timeout: '12' }).unknownKeys).to.deep.equal([]);
  });

  for (const [key, value] of [
    ['target_port', 'abc'],
    ['port', '-4'],
    ['reconnect_wait', '-5'],
    ['max_reconnect_tries', 'x'],
    ['connect_timeout', 'later'],
    ['write_stall_timeout', '-1'],
    ['write_stall_timeout', 'soon'],
    ['remote', ''],
  ] as const) {
    it(`rejects client ${key} = '${value}' naming the interface and key`, () => {
      const err = configError({ target_host: 'hub', [key]: value });
      expect(err.section).to.equal('Bad');
      expect(err.key).to.equal(key);
    });
  }

  it('does not read server keys in client mode (they are reported as unknown)', () => {
    expect(client({ remote: 'hub', idle_timeout: '5' }).unknownKeys).to.deep.equal(['idle_timeout']);
  });

  describe('durations (at most the longest timer; reconnect_wait at least 1 s)', () => {
    const serverKeys: ReadonlyArray<readonly [string, 'seconds' | 'minutes']> = [
      ['idle_timeout', 'seconds'],
      ['write_stall_timeout', 'seconds'],
      ['max_penalty_duration', 'seconds'],
      ...NUMERIC_ABUSE_KEYS.flatMap((entry) =>
        entry.unit === 'count' ? [] : [[entry.key, entry.unit] as const],
      ),
    ];
    const clientKeys = ['connect_timeout', 'reconnect_wait', 'write_stall_timeout'];
    const longest = { seconds: '2147483.647', minutes: '35791.394' };
    const tooLong = { seconds: '2147483.648', minutes: '35791.395' };

    for (const [key, unit] of serverKeys) {
      it(`server ${key}: rejects 3000000, 1e308 and just past the limit; accepts the limit`, () => {
        for (const value of ['3000000', '1e308', tooLong[unit]]) {
          const err = configError({ [key]: value });
          expect(err.key, `${key} = ${value}`).to.equal(key);
          expect(err.section).to.equal('Bad');
          expect(err.detail).to.match(/^must be <= [\d.]+ \(about 24\.8 days, the longest timer\), got '/);
        }
        expect(() => server({ [key]: longest[unit] })).to.not.throw();
      });
    }

    for (const key of clientKeys) {
      it(`client ${key}: rejects 3000000 and 1e308; accepts 2147483.647`, () => {
        for (const value of ['3000000', '1e308']) {
          const err = configError({ target_host: 'hub', [key]: value });
          expect(err.key, `${key} = ${value}`).to.equal(key);
          expect(err.message).to.include(`[Bad] '${key}': must be <= 2147483.647`);
        }
        expect(client({ target_host: 'hub', [key]: '2147483.647' }).startup).to.deep.include({
          [key === 'connect_timeout'
            ? 'connectTimeoutMs'
            : key === 'reconnect_wait'
              ? 'reconnectWaitMs'
              : 'writeStallTimeoutMs']: 2_147_483_647,
        });
      });
    }

    it('rejects reconnect_wait below 1 s (0 retried ~1300 times a second) and accepts 1', () => {
      for (const value of ['0', '0.5', '0.999']) {
        const err = configError({ target_host: 'hub', reconnect_wait: value });
        expect(err.key).to.equal('reconnect_wait');
        expect(err.detail).to.equal(`must be >= 1, got '${value}'`);
      }
      expect(client({ target_host: 'hub', reconnect_wait: '1' }).startup.reconnectWaitMs).to.equal(1000);
    });
  });
});

describe('parseBackboneClientConfig (BackboneClientInterface)', () => {
  it('is always a client, with the aliases of BackboneInterface (remote and port win)', () => {
    const config = parseBackboneClientConfig('Uplink', 6, {
      target_host: 'a.example',
      remote: 'b.example',
      port: '4243',
      max_reconnect_tries: '0',
    });
    expect(config).to.deep.include({ mode: 'client', targetHost: 'b.example', targetPort: 4243 });
    expect(config.startup.maxReconnectTries).to.equal(0);
    expect(config.link.settingsPrefix).to.equal('backbone_client');
  });

  it('requires a host: listen keys do not make it a server', () => {
    const err = catchConfigError(() => parseBackboneClientConfig('Uplink', 6, { listen_ip: '0.0.0.0' }));
    expect(err.key).to.equal('target_host');
    expect(err.message).to.include('is required');
  });
});
