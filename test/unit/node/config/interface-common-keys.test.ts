import { expect } from 'chai';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { readInterfaceCommonKeys } from '../../../../src/node/config/interface-common-keys';
import { catchConfigError } from '../../../helpers/config-error';

describe('readInterfaceCommonKeys', () => {
  it("gives Python's ingress-control defaults and no notices for a plain section", () => {
    const common = readInterfaceCommonKeys('Public', { type: 'BackboneInterface', listen_port: '4242' });
    expect(common.ingressControl).to.deep.equal(DEFAULT_INGRESS_CONTROL);
    expect(common.notices).to.deep.equal([]);
  });

  it('reads every ingress-control key', () => {
    const common = readInterfaceCommonKeys('Public', {
      ingress_control: 'no',
      ic_max_held_announces: '10',
      ic_burst_hold: '1.5',
      ic_burst_freq_new: '2',
      ic_burst_freq: '4',
      ic_new_time: '60',
      ic_burst_penalty: '30',
      ic_held_release_interval: '7',
    });
    expect(common.ingressControl).to.deep.equal({
      enabled: false,
      maxHeldAnnounces: 10,
      burstHold: 1.5,
      burstFreqNew: 2,
      burstFreq: 4,
      newTime: 60,
      burstPenalty: 30,
      heldReleaseInterval: 7,
    });
  });

  it('rejects a bad ingress-control value naming the section and key', () => {
    const cases: Array<[string, string]> = [
      ['ingress_control', 'maybe'],
      ['ic_max_held_announces', '1.5'],
      ['ic_burst_hold', '-1'],
    ];
    for (const [key, value] of cases) {
      const err = catchConfigError(() => readInterfaceCommonKeys('Public', { [key]: value }));
      expect(err.key).to.equal(key);
      expect(err.section).to.equal('Public');
    }
  });

  it('rejects an ingress-control duration past the longest timer (2147483.647 s)', () => {
    for (const key of ['ic_burst_hold', 'ic_new_time', 'ic_burst_penalty', 'ic_held_release_interval']) {
      const err = catchConfigError(() => readInterfaceCommonKeys('Public', { [key]: '3000000' }));
      expect(err.key).to.equal(key);
      expect(err.detail).to.match(/^must be <= 2147483\.647/);
    }
    // Rates are not durations: a high announce frequency is just a high number.
    expect(readInterfaceCommonKeys('Public', { ic_burst_freq: '3000000' }).ingressControl.burstFreq).to.equal(
      3_000_000,
    );
  });

  it('reports Python keys that have no effect here, naming each and why', () => {
    const common = readInterfaceCommonKeys('Public', {
      networkname: 'x',
      announce_cap: '2',
      discoverable: 'yes',
    });
    expect(common.notices).to.have.length(2, 'IFAC keys are in force, not reported');
    expect(common.notices[0]).to.match(/^\[Public\] 'announce_cap' is ignored: announce rate limits/);
    expect(common.notices[1]).to.match(/'discoverable' is ignored: interface discovery/);
  });
});
