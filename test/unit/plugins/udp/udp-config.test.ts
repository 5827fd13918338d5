import { expect } from 'chai';
import { deviceBroadcastAddress } from '../../../../src/net/network-device-address';
import { parseUdpConfig } from '../../../../src/plugins/udp/udp-config';
import { ConfigParams } from '../../../../src/registry/config-params';
import { catchConfigError, itRejectsNamingSectionAndKey } from '../../../helpers/config-error';

const NICS = {
  eth9: [
    { address: '10.55.0.72', netmask: '255.255.255.0', family: 'IPv4', internal: false, mac: '', cidr: null },
    {
      address: 'fe80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      internal: false,
      mac: '',
      cidr: null,
      scopeid: 2,
    },
  ],
  wlan3: [
    { address: '172.16.5.9', netmask: '255.255.240.0', family: 'IPv4', internal: false, mac: '', cidr: null },
  ],
} as never;

const udp = (params: ConfigParams) => parseUdpConfig('UDP Link', 7, params, { networkInterfaces: NICS });

describe('UDPInterface config (Python keys and rules)', () => {
  it('reads the listen and forward pairs', () => {
    expect(
      udp({ listen_ip: '0.0.0.0', listen_port: '4242', forward_ip: '255.255.255.255', forward_port: '4243' }),
    ).to.deep.equal({
      name: 'UDP Link',
      id: 7,
      listen: { ip: '0.0.0.0', port: 4242 },
      forward: { ip: '255.255.255.255', port: 4243 },
      unknownKeys: [],
    });
  });

  it('fills only the missing ports from port', () => {
    const both = udp({ listen_ip: '127.0.0.1', forward_ip: '127.0.0.1', port: '5000' });
    expect([both.listen?.port, both.forward?.port]).to.deep.equal([5000, 5000]);
    const one = udp({ listen_ip: '127.0.0.1', listen_port: '6000', forward_ip: '127.0.0.1', port: '5000' });
    expect([one.listen?.port, one.forward?.port]).to.deep.equal([6000, 5000]);
  });

  it("takes the device's IPv4 broadcast address for the missing addresses", () => {
    expect(udp({ device: 'eth9', port: '4242' })).to.deep.include({
      listen: { ip: '10.55.0.255', port: 4242 },
      forward: { ip: '10.55.0.255', port: 4242 },
    });
    expect(udp({ device: 'wlan3', port: '1', forward_ip: '172.16.0.1' })).to.deep.include({
      listen: { ip: '172.16.15.255', port: 1 },
      forward: { ip: '172.16.0.1', port: 1 },
    });
    expect(catchConfigError(() => udp({ device: 'nope0', port: '1' })).key).to.equal('device');
  });

  it('may only listen or only send', () => {
    expect(udp({ listen_ip: '127.0.0.1', listen_port: '1' }).forward).to.equal(null);
    expect(udp({ forward_ip: '127.0.0.1', forward_port: '1' }).listen).to.equal(null);
  });

  it('refuses a section that would neither listen nor send', () => {
    const err = catchConfigError(() => udp({ listen_ip: '127.0.0.1' }));
    expect(err.key).to.equal('listen_ip');
    expect(err.message).to.include('no address to listen on or send to');
  });

  describe('bad values', () => {
    itRejectsNamingSectionAndKey(
      'UDP Link',
      [
        ['listen_ip', '::1'],
        ['forward_ip', '2001:db8::1'],
        ['listen_port', '65536'],
        ['forward_port', '0'],
        ['port', 'x'],
        ['device', ' '],
      ],
      (params) => udp({ listen_ip: '127.0.0.1', listen_port: '4242', ...params }),
    );
  });
});

describe('deviceBroadcastAddress', () => {
  it('sets every host bit of the first IPv4 address', () => {
    expect(deviceBroadcastAddress('eth9', NICS)).to.equal('10.55.0.255');
    expect(deviceBroadcastAddress('wlan3', NICS)).to.equal('172.16.15.255');
    expect(deviceBroadcastAddress('lo9', NICS)).to.equal(undefined);
  });
});
