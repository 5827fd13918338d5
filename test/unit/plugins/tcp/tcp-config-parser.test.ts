import { expect } from 'chai';
import { HDLC_FRAMING, KISS_FRAMING } from '../../../../src/core/stream-framing';
import { DEFAULT_ABUSE_SETTINGS } from '../../../../src/net/abuse/abuse-settings';
import { parseTcpClientConfig, parseTcpServerConfig } from '../../../../src/plugins/tcp/tcp-config-parser';
import { ConfigParams } from '../../../../src/registry/config-params';
import { catchConfigError, itRejectsNamingSectionAndKey } from '../../../helpers/config-error';

const server = (params: ConfigParams, networkInterfaces = {}) =>
  parseTcpServerConfig('TCP Server', 3, params, { networkInterfaces });
const client = (params: ConfigParams) => parseTcpClientConfig('TCP Uplink', 4, params);

describe('TCPServerInterface config (Python keys and rules)', () => {
  it('reads listen_ip and listen_port, with Python MTU, bitrate and HDLC', () => {
    const config = server({ listen_ip: '0.0.0.0', listen_port: '4242' });
    expect(config).to.deep.include({ name: 'TCP Server', id: 3, listenIp: '0.0.0.0', listenPort: 4242 });
    expect(config.link).to.deep.include({
      typeName: 'TCPServerInterface',
      settingsPrefix: 'tcp_server',
      hwMtu: 262_144,
      bitrate: 10_000_000,
      autoconfigureMtu: true,
      keepaliveInitialDelayMs: 5_000,
    });
    expect(config.link.framing).to.equal(HDLC_FRAMING);
    expect(config.unknownKeys).to.deep.equal([]);
    expect(config.abuse).to.deep.equal(DEFAULT_ABUSE_SETTINGS);
  });

  it('lets port win over listen_port (both are validated), and takes 0 for any free port', () => {
    expect(server({ listen_ip: '::', listen_port: '1000', port: '2000' }).listenPort).to.equal(2000);
    expect(server({ listen_ip: '::', port: '0' }).listenPort).to.equal(0);
    expect(catchConfigError(() => server({ listen_ip: '::', listen_port: 'x', port: '1' })).key).to.equal(
      'listen_port',
    );
  });

  it('requires a port and a bind address, with Python-like messages', () => {
    const noPort = catchConfigError(() => server({ listen_ip: '127.0.0.1' }));
    expect(noPort.key).to.equal('listen_port');
    expect(noPort.message).to.include('no TCP port configured');
    const noIp = catchConfigError(() => server({ listen_port: '4242' }));
    expect(noIp.key).to.equal('listen_ip');
    expect(noIp.message).to.include('no TCP bind IP configured');
  });

  it('binds the address of device (IPv4 first, IPv6 with prefer_ipv6), which wins over listen_ip', () => {
    const nics = {
      eth9: [
        { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
        { address: '192.0.2.7', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
      ],
    } as never;
    expect(server({ device: 'eth9', listen_ip: '10.0.0.1', port: '1' }, nics).listenIp).to.equal('192.0.2.7');
    expect(server({ device: 'eth9', prefer_ipv6: 'yes', port: '1' }, nics).listenIp).to.equal('fe80::1%eth9');
    const missing = catchConfigError(() => server({ device: 'nope0', port: '1' }, nics));
    expect(missing.key).to.equal('device');
  });

  it('frames KISS with kiss_framing, and waits longer before keepalive probes with i2p_tunneled', () => {
    const config = server({ listen_ip: '127.0.0.1', port: '1', kiss_framing: 'yes', i2p_tunneled: 'true' });
    expect(config.link.framing).to.equal(KISS_FRAMING);
    expect(config.link.keepaliveInitialDelayMs).to.equal(10_000);
    expect(config.preferIpv6).to.equal(false);
  });

  it('takes the keys every stream server here has (limits, timeouts, abuse defence)', () => {
    const config = server({
      listen_ip: '127.0.0.1',
      port: '1',
      max_connections: '50',
      idle_timeout: '20',
      max_connections_per_ip: '4',
    });
    expect(config.startup).to.include({ maxConnections: 50, idleTimeoutMs: 20_000 });
    expect(config.abuse?.maxConnectionsPerIp).to.equal(4);
  });

  it('returns keys it does not know, so the interface can warn about them', () => {
    expect(server({ listen_ip: '127.0.0.1', port: '1', frobnicate: '1' }).unknownKeys).to.deep.equal([
      'frobnicate',
    ]);
  });

  describe('bad values', () => {
    itRejectsNamingSectionAndKey(
      'TCP Server',
      [
        ['listen_port', '70000'],
        ['port', '-1'],
        ['kiss_framing', 'maybe'],
        ['i2p_tunneled', '2'],
        ['prefer_ipv6', 'x'],
        ['listen_ip', ' '],
      ],
      (params) => server({ listen_ip: '127.0.0.1', listen_port: '4242', ...params }),
    );
  });
});

describe('TCPClientInterface config (Python keys and rules)', () => {
  it('reads target_host and target_port; Python defaults: 5 s connect timeout, unlimited fixed 5 s retries, a tunnel', () => {
    const config = client({ target_host: 'hub.example', target_port: '4242' });
    expect(config).to.deep.include({
      name: 'TCP Uplink',
      id: 4,
      targetHost: 'hub.example',
      targetPort: 4242,
      reconnect: 'fixed',
      wantsTunnel: true,
    });
    expect(config.startup).to.deep.equal({
      reconnectWaitMs: 5_000,
      maxReconnectTries: null,
      connectTimeoutMs: 5_000,
      writeStallTimeoutMs: 30_000,
    });
    expect(config.link).to.deep.include({ typeName: 'TCPClientInterface', settingsPrefix: 'tcp_client' });
    expect(config.link).to.deep.include({ hwMtu: 262_144, autoconfigureMtu: true, bitrate: 10_000_000 });
  });

  it("reads max_reconnect_tries with Python's meaning (0 = never retry) and connect_timeout", () => {
    const config = client({
      target_host: 'h',
      target_port: '1',
      max_reconnect_tries: '0',
      connect_timeout: '12',
    });
    expect(config.startup).to.include({ maxReconnectTries: 0, connectTimeoutMs: 12_000 });
    expect(
      client({ target_host: 'h', target_port: '1', max_reconnect_tries: '7' }).startup.maxReconnectTries,
    ).to.equal(7);
  });

  it('with kiss_framing frames KISS and asks for no tunnel (as Python)', () => {
    const config = client({ target_host: 'h', target_port: '1', kiss_framing: 'yes' });
    expect(config.link.framing).to.equal(KISS_FRAMING);
    expect(config.wantsTunnel).to.equal(false);
  });

  it('takes fixed_mtu of at least 500 as a fixed hardware MTU; 0 is none, as in Python', () => {
    const fixed = client({ target_host: 'h', target_port: '1', fixed_mtu: '1200' });
    expect(fixed.link).to.deep.include({ hwMtu: 1200, autoconfigureMtu: false });
    expect(client({ target_host: 'h', target_port: '1', fixed_mtu: '500' }).link.hwMtu).to.equal(500);
    expect(client({ target_host: 'h', target_port: '1', fixed_mtu: '0' }).link.hwMtu).to.equal(262_144);
    const small = catchConfigError(() => client({ target_host: 'h', target_port: '1', fixed_mtu: '499' }));
    expect(small.key).to.equal('fixed_mtu');
    expect(small.message).to.include('configured MTU of 499 bytes is too small');
  });

  it('requires target_host and target_port', () => {
    expect(catchConfigError(() => client({ target_port: '1' })).key).to.equal('target_host');
    expect(catchConfigError(() => client({ target_host: 'h' })).key).to.equal('target_port');
  });

  it('i2p_tunneled lengthens the keepalive delay and nothing else', () => {
    const plain = client({ target_host: 'h', target_port: '1' });
    const i2p = client({ target_host: 'h', target_port: '1', i2p_tunneled: 'yes' });
    expect(i2p.link.keepaliveInitialDelayMs).to.equal(10_000);
    expect({ ...i2p.link, keepaliveInitialDelayMs: 0 }).to.deep.equal({
      ...plain.link,
      keepaliveInitialDelayMs: 0,
    });
    expect(i2p.startup).to.deep.equal(plain.startup);
  });

  describe('bad values', () => {
    itRejectsNamingSectionAndKey(
      'TCP Uplink',
      [
        ['target_port', '0'],
        ['connect_timeout', '-1'],
        ['max_reconnect_tries', '-1'],
        ['max_reconnect_tries', '1.5'],
        ['fixed_mtu', 'big'],
        ['kiss_framing', 'kiss'],
        ['write_stall_timeout', 'soon'],
      ],
      (params) => client({ target_host: '127.0.0.1', target_port: '4242', ...params }),
    );
  });
});
