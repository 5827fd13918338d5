import { expect } from 'chai';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { readInterfaceCommonKeys } from '../../../../src/node/config/interface-common-keys';
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

describe('readInterfaceCommonKeys', () => {
  it("gives Python's defaults and no notices for a plain section", () => {
    const { settings, notices } = readInterfaceCommonKeys(
      'Public',
      { type: 'BackboneInterface', listen_port: '4242' },
      TRANSPORT,
    );
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
    });
    expect(notices).to.deep.equal([]);
  });

  it('reads every ingress and egress control key', () => {
    const { settings } = readInterfaceCommonKeys(
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
    const { settings } = readInterfaceCommonKeys('Public', { ic_burst_freq: '12' }, defaults);
    expect(settings.ingressControl.burstFreq).to.equal(12);
    expect(settings.ingressControl.maxHeldAnnounces).to.equal(16);
    expect(settings.announceRateTarget).to.equal(600);
    expect(settings.announceRateGrace).to.equal(2);
    expect(settings.announceRatePenalty).to.equal(60);
  });

  it("follows Python's announce rate rules: a section's target brings grace and penalty 0", () => {
    const { settings } = readInterfaceCommonKeys('Public', { announce_rate_target: '120' }, TRANSPORT);
    expect([
      settings.announceRateTarget,
      settings.announceRateGrace,
      settings.announceRatePenalty,
    ]).to.deep.equal([120, 0, 0]);
    const off = readInterfaceCommonKeys('Public', { announce_rate_target: '0' }, TRANSPORT).settings;
    expect(off.announceRateTarget, 'target 0 turns the limit off').to.equal(null);
    const relay = readInterfaceCommonKeys('Public', {}, RELAY_INTERFACE_DEFAULTS).settings;
    expect(relay.announceRateTarget, 'no transport defaults in relay mode').to.equal(null);
  });

  it('reads outgoing, bitrate, announce_cap (percent), recursive_prs and the internal-mode keys', () => {
    const { settings } = readInterfaceCommonKeys(
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
      const err = catchConfigError(() => readInterfaceCommonKeys('Public', { [key]: value }, TRANSPORT));
      expect(err.key, `${key} = ${value}`).to.equal(key);
      expect(err.section).to.equal('Public');
    }
  });

  it('rejects an ingress-control duration past the longest timer (2147483.647 s)', () => {
    for (const key of ['ic_burst_hold', 'ic_new_time', 'ic_burst_penalty', 'ic_held_release_interval']) {
      const err = catchConfigError(() => readInterfaceCommonKeys('Public', { [key]: '3000000' }, TRANSPORT));
      expect(err.key).to.equal(key);
      expect(err.detail).to.match(/^must be <= 2147483\.647/);
    }
    // Rates are not durations: a high announce frequency is just a high number.
    expect(
      readInterfaceCommonKeys('Public', { ic_burst_freq: '3000000' }).settings.ingressControl.burstFreq,
    ).to.equal(3_000_000);
  });

  it('reports Python keys that have no effect here, naming each and why', () => {
    const { notices } = readInterfaceCommonKeys(
      'Public',
      { networkname: 'x', announce_cap: '2', discoverable: 'yes' },
      TRANSPORT,
    );
    expect(notices, 'IFAC and transport keys are in force, not reported').to.have.length(1);
    expect(notices[0]).to.match(/^\[Public\] 'discoverable' is ignored: interface discovery/);
  });

  it('reports transport keys as ignored when the node relays', () => {
    const { notices } = readInterfaceCommonKeys('Public', { announce_cap: '2', ic_burst_freq: '3' });
    expect(notices).to.deep.equal([
      "[Public] 'announce_cap' is ignored: only the transport engine applies it ([reticulum] enable_transport = yes)",
      "[Public] 'ic_burst_freq' is ignored: only the transport engine applies it ([reticulum] enable_transport = yes)",
    ]);
  });
});
