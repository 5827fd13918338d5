import { expect } from 'chai';
import {
  changedMetricsKeys,
  DEFAULT_METRICS_IP,
  DEFAULT_METRICS_PORT,
  DEFAULT_PER_PEER_LIMIT,
  METRICS_OFF,
} from '../../../../src/node/config/metrics-section';
import { NodeConfig, parseNodeConfig } from '../../../../src/node/config/node-config';

const FILE = '/home/op/.rns-net/config';

function load(...metricsLines: string[]): NodeConfig {
  return parseNodeConfig(['[metrics]', ...metricsLines.map((l) => `  ${l}`)].join('\n'), FILE);
}

describe('[metrics] section', () => {
  it('is off without the section, and off in a section that does not enable it', () => {
    expect(parseNodeConfig('[logging]\n  loglevel = 4\n', FILE).metrics).to.equal(METRICS_OFF);
    expect(load('listen_port = 9000').metrics.enabled).to.equal(false);
  });

  it('defaults to 127.0.0.1:9464, no per-peer series, limit 100', () => {
    const config = load('enabled = yes');
    expect(config.errors).to.deep.equal([]);
    expect(config.metrics).to.include({
      enabled: true,
      listenIp: DEFAULT_METRICS_IP,
      listenPort: DEFAULT_METRICS_PORT,
      perPeer: false,
      perPeerLimit: DEFAULT_PER_PEER_LIMIT,
    });
    expect([DEFAULT_METRICS_IP, DEFAULT_METRICS_PORT]).to.deep.equal(['127.0.0.1', 9464]);
  });

  it('reads every key; an IPv6 address is kept in its canonical spelling', () => {
    const config = load(
      'enabled = yes',
      'listen_ip = 0:0:0:0:0:0:0:1',
      'listen_port = 9100',
      'per_peer = yes',
      'per_peer_limit = 500',
    );
    expect(config.errors).to.deep.equal([]);
    expect(config.metrics).to.include({
      enabled: true,
      listenIp: '::1',
      listenPort: 9100,
      perPeer: true,
      perPeerLimit: 500,
    });
  });

  const bad: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['enabled', 'maybe', /expected yes\/no/],
    ['listen_ip', 'localhost', /expected an IP address/],
    ['listen_ip', 'fe80::1%eth0', /expected an IP address/],
    ['listen_port', '0', /must be >= 1/],
    ['listen_port', '70000', /must be <= 65535/],
    ['per_peer', '2', /expected yes\/no/],
    ['per_peer_limit', '0', /must be >= 1/],
    ['per_peer_limit', '10001', /must be <= 10000/],
  ];
  for (const [key, value, message] of bad) {
    it(`rejects ${key} = ${value}, naming file, line, section and key`, () => {
      const lines = key === 'enabled' ? [`${key} = ${value}`] : ['enabled = yes', `${key} = ${value}`];
      const config = load(...lines);
      expect(config.errors).to.have.length(1);
      const [error] = config.errors;
      expect(error).to.include({ file: FILE, line: lines.length + 1, section: 'metrics', key });
      expect(error?.message).to.match(message);
    });
  }

  it('notes keys it does not use', () => {
    const config = load('enabled = yes', 'listen_address = 0.0.0.0');
    expect(config.errors).to.deep.equal([]);
    expect(config.notices).to.include(
      `${FILE}:3: [metrics] 'listen_address' is not used by rns-net; ignored`,
    );
  });

  it('tells which keys changed between two readings', () => {
    const before = load('enabled = yes').metrics;
    const after = load('enabled = yes', 'listen_port = 9500', 'per_peer = yes').metrics;
    expect(changedMetricsKeys(before, after)).to.deep.equal(['listen_port', 'per_peer']);
    expect(changedMetricsKeys(before, load('enabled = yes', 'listen_port = 9464').metrics)).to.deep.equal([]);
  });
});
