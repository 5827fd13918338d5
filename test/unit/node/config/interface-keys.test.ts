import { expect } from 'chai';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import {
  NODE_INTERFACE_KEYS,
  readNodeInterfaceKeys,
  splitInterfaceKeys,
} from '../../../../src/node/config/interface-keys';
import { parseNodeConfig } from '../../../../src/node/config/node-config';
import { ConfigParams } from '../../../../src/registry/config-params';
import {
  InterfaceDefaults,
  RELAY_INTERFACE_DEFAULTS,
  TRANSPORT_ANNOUNCE_RATE,
} from '../../../../src/node/config/reticulum-section';
import { catchConfigError } from '../../../helpers/config-error';

const TRANSPORT: InterfaceDefaults = {
  transport: true,
  ingressControl: DEFAULT_INGRESS_CONTROL,
  announceRateTarget: TRANSPORT_ANNOUNCE_RATE.target,
  announceRateGrace: TRANSPORT_ANNOUNCE_RATE.grace,
  announceRatePenalty: TRANSPORT_ANNOUNCE_RATE.penalty,
};

describe('node-owned interface keys', () => {
  it("gives Python's defaults and no notices for a plain section", () => {
    const { settings, ifac, notices } = readNodeInterfaceKeys('Public', {}, TRANSPORT);
    expect(settings).to.deep.equal({
      outgoing: true,
      bitrate: null,
      announceCap: 0.02,
      announceRateTarget: 3600,
      announceRateGrace: 5,
      announceRatePenalty: 0,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      recursivePathRequests: false,
      announcesFromInternal: true,
      announcesToInternal: null,
      ifacSize: null,
    });
    expect(ifac).to.equal(null);
    expect(notices).to.deep.equal([]);
  });

  it('reads every ingress and egress control key', () => {
    const { settings } = readNodeInterfaceKeys(
      'Public',
      {
        ingress_control: 'no',
        ic_max_held_announces: '10',
        ic_burst_hold: '1.5',
        ic_burst_freq_new: '2',
        ic_burst_freq: '4',
        ic_pr_burst_freq_new: '1',
        ic_pr_burst_freq: '6',
        ic_new_time: '60',
        ic_burst_penalty: '30',
        ic_held_release_interval: '7',
        egress_control: 'yes',
        ec_pr_freq: '9',
      },
      TRANSPORT,
    );
    expect(settings.ingressControl).to.deep.equal({
      enabled: false,
      maxHeldAnnounces: 10,
      burstHold: 1.5,
      burstFreqNew: 2,
      burstFreq: 4,
      prBurstFreqNew: 1,
      prBurstFreq: 6,
      newTime: 60,
      burstPenalty: 30,
      heldReleaseInterval: 7,
      egressControl: true,
      ecPrFreq: 9,
    });
  });

  it('inherits node-wide ingress control and announce rate defaults, and overrides them per key', () => {
    const defaults: InterfaceDefaults = {
      ...TRANSPORT,
      ingressControl: { ...DEFAULT_INGRESS_CONTROL, burstFreq: 20, maxHeldAnnounces: 16 },
      announceRateTarget: 600,
      announceRateGrace: 2,
      announceRatePenalty: 60,
    };
    const { settings } = readNodeInterfaceKeys('Public', { ic_burst_freq: '12' }, defaults);
    expect(settings.ingressControl.burstFreq).to.equal(12);
    expect(settings.ingressControl.maxHeldAnnounces).to.equal(16);
    expect(settings.announceRateTarget).to.equal(600);
    expect(settings.announceRateGrace).to.equal(2);
    expect(settings.announceRatePenalty).to.equal(60);
  });

  it("follows Python's announce rate rules: a section's target brings grace and penalty 0", () => {
    const { settings } = readNodeInterfaceKeys('Public', { announce_rate_target: '120' }, TRANSPORT);
    expect([
      settings.announceRateTarget,
      settings.announceRateGrace,
      settings.announceRatePenalty,
    ]).to.deep.equal([120, 0, 0]);
    const off = readNodeInterfaceKeys('Public', { announce_rate_target: '0' }, TRANSPORT).settings;
    expect(off.announceRateTarget, 'target 0 turns the limit off').to.equal(null);
    const relay = readNodeInterfaceKeys('Public', {}, RELAY_INTERFACE_DEFAULTS).settings;
    expect(relay.announceRateTarget, 'no transport defaults in relay mode').to.equal(null);
  });

  it('reads outgoing, bitrate, announce_cap (percent), recursive_prs and the internal-mode keys', () => {
    const { settings } = readNodeInterfaceKeys(
      'Radio',
      {
        outgoing: 'no',
        bitrate: '1200',
        announce_cap: '10',
        recursive_prs: 'yes',
        announces_from_internal: 'no',
        announces_to_internal: 'yes',
      },
      TRANSPORT,
    );
    expect(settings.outgoing).to.equal(false);
    expect(settings.bitrate).to.equal(1200);
    expect(settings.announceCap).to.be.closeTo(0.1, 1e-12);
    expect(settings.recursivePathRequests).to.equal(true);
    expect(settings.announcesFromInternal).to.equal(false);
    expect(settings.announcesToInternal).to.equal(true);
  });

  it('rejects a bad value naming the section and key', () => {
    const cases: Array<[string, string]> = [
      ['ingress_control', 'maybe'],
      ['ic_max_held_announces', '1.5'],
      ['ic_burst_hold', '-1'],
      ['ic_pr_burst_freq', 'fast'],
      ['egress_control', '2'],
      ['announce_cap', '0'],
      ['announce_cap', '101'],
      ['bitrate', '4'],
      ['announce_rate_grace', '-1'],
      ['outgoing', 'sometimes'],
    ];
    for (const [key, value] of cases) {
      const err = catchConfigError(() => readNodeInterfaceKeys('Public', { [key]: value }, TRANSPORT));
      expect(err.key, `${key} = ${value}`).to.equal(key);
      expect(err.section).to.equal('Public');
    }
  });

  it('rejects an ingress-control duration past the longest timer (2147483.647 s)', () => {
    for (const key of ['ic_burst_hold', 'ic_new_time', 'ic_burst_penalty', 'ic_held_release_interval']) {
      const err = catchConfigError(() => readNodeInterfaceKeys('Public', { [key]: '3000000' }, TRANSPORT));
      expect(err.key).to.equal(key);
      expect(err.detail).to.match(/^must be <= 2147483\.647/);
    }
    // Rates are not durations: a high announce frequency is just a high number.
    expect(
      readNodeInterfaceKeys('Public', { ic_burst_freq: '3000000' }).settings.ingressControl.burstFreq,
    ).to.equal(3_000_000);
  });

  it('reports Python keys that have no effect here, naming each and why', () => {
    const { notices } = readNodeInterfaceKeys(
      'Public',
      { networkname: 'x', announce_cap: '2', discoverable: 'yes' },
      TRANSPORT,
    );
    expect(notices, 'IFAC and transport keys are in force, not reported').to.have.length(1);
    expect(notices[0]).to.match(/^\[Public\] 'discoverable' is ignored: interface discovery/);
  });

  it('reports transport keys as ignored when the node relays', () => {
    const { notices } = readNodeInterfaceKeys('Public', { announce_cap: '2', ic_burst_freq: '3' });
    expect(notices).to.deep.equal([
      "[Public] 'announce_cap' is ignored: only the transport engine applies it ([reticulum] enable_transport = yes)",
      "[Public] 'ic_burst_freq' is ignored: only the transport engine applies it ([reticulum] enable_transport = yes)",
    ]);
  });

  it("reads the access code with the size the plugin declares, and sets the settings' ifacSize", () => {
    const { settings, ifac } = readNodeInterfaceKeys(
      'Radio',
      { networkname: 'n', passphrase: 'p' },
      TRANSPORT,
      8,
    );
    expect(ifac).to.deep.equal({ networkName: 'n', passphrase: 'p', size: 8 });
    expect(settings.ifacSize).to.equal(8);
  });

  it('splits a section: the plugin gets none of the keys the node owns', () => {
    const all: ConfigParams = {
      type: 'BackboneInterface',
      enabled: 'yes',
      mode: 'gateway',
      listen_port: '4242',
      bitrate: '1000',
      ic_burst_freq: '3',
      networkname: 'n',
      discoverable: 'yes',
      idle_timeout: '30',
    };
    const { node, plugin } = splitInterfaceKeys(all);
    expect({ ...plugin }).to.deep.equal({ listen_port: '4242', idle_timeout: '30' });
    expect({ ...node }).to.deep.equal({
      bitrate: '1000',
      ic_burst_freq: '3',
      networkname: 'n',
      discoverable: 'yes',
    });
    const config = parseNodeConfig(
      '[interfaces]\n  [[A]]\n    type = X\n    enabled = yes\n    outgoing = no\n    host = h\n',
      'config',
    );
    expect({ ...config.interfaces[0]?.params }).to.deep.equal({ host: 'h' });
    expect({ ...config.interfaces[0]?.nodeParams }).to.deep.equal({ outgoing: 'no' });
  });

  it('lists every key its readers read: nothing the node reads can reach a plugin', () => {
    // Record every key the readers look up, on a section that sets nothing.
    const asked = new Set<string>();
    const empty = new Proxy(Object.create(null) as ConfigParams, {
      getOwnPropertyDescriptor: (target, key) => {
        if (typeof key === 'string') asked.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    readNodeInterfaceKeys('A', empty, TRANSPORT);
    expect(asked.size).to.be.greaterThan(20);
    expect([...asked].filter((key) => !NODE_INTERFACE_KEYS.has(key))).to.deep.equal([]);
    for (const key of ['type', 'enabled', 'interface_enabled', 'mode', 'interface_mode']) {
      expect(NODE_INTERFACE_KEYS.has(key), key).to.equal(true);
    }
  });
});
