import { expect } from 'chai';
import { DEFAULT_INGRESS_CONTROL } from '../../../src/core/ingress-control';
import { makeInterfaceInfo, optimisedHwMtu } from '../../../src/core/interface-info';
import { InterfaceMode, interfaceModeName, parseInterfaceMode } from '../../../src/core/interface-mode';
import { InterfaceSettings, applyInterfaceSettings } from '../../../src/core/interface-settings';

const SETTINGS: InterfaceSettings = {
  mode: InterfaceMode.Gateway,
  outgoing: true,
  bitrate: null,
  announceCap: 0.05,
  announceRateTarget: 600,
  announceRateGrace: 3,
  announceRatePenalty: 10,
  ingressControl: { ...DEFAULT_INGRESS_CONTROL, burstFreq: 4 },
  recursivePathRequests: true,
  announcesFromInternal: false,
  announcesToInternal: true,
  ifacSize: 8,
};

describe('interface settings', () => {
  it("optimisedHwMtu follows Python's optimise_mtu table", () => {
    const table: Array<[number | null, number | null]> = [
      [null, null],
      [1_000_000_000, 524_288],
      [750_000_001, 262_144],
      [400_000_001, 131_072],
      [200_000_001, 65_536],
      [100_000_001, 32_768],
      [100_000_000, 16_384],
      [10_000_001, 16_384],
      [5_000_001, 8_192],
      [2_000_001, 4_096],
      [1_000_001, 2_048],
      [62_501, 1_024],
      [62_500, null],
      [1_200, null],
    ];
    for (const [bitrate, mtu] of table) expect(optimisedHwMtu(bitrate), String(bitrate)).to.equal(mtu);
  });

  it('the section settings win over what the plugin reported', () => {
    const info = makeInterfaceInfo({
      id: 3,
      name: 'X',
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      bitrate: 1_000_000_000,
      mtu: 4096,
    });
    const applied = applyInterfaceSettings(info, SETTINGS);
    expect(applied).to.deep.include({
      id: 3,
      name: 'X',
      mode: InterfaceMode.Gateway,
      outCapable: true,
      bitrate: 1_000_000_000,
      mtu: 4096,
      announceCap: 0.05,
      announceRateTarget: 600,
      announceRateGrace: 3,
      announceRatePenalty: 10,
      recursivePathRequests: true,
      announcesFromInternal: false,
      announcesToInternal: true,
      ifacSize: 8,
    });
    expect(applied.ingressControl.burstFreq).to.equal(4);
  });

  it('outgoing = no makes the interface receive-only; a configured bitrate re-derives an autoconfigured MTU', () => {
    const info = makeInterfaceInfo({
      id: 3,
      name: 'X',
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      bitrate: 1_000_000_000,
      autoconfigureMtu: true,
    });
    const applied = applyInterfaceSettings(info, { ...SETTINGS, outgoing: false, bitrate: 3_000_000 });
    expect(applied.outCapable).to.equal(false);
    expect(applied.bitrate).to.equal(3_000_000);
    expect(applied.mtu).to.equal(4096);
    expect(applyInterfaceSettings(info, SETTINGS).mtu, 'from the plugin bitrate').to.equal(524_288);
  });

  it("knows Python's internal mode", () => {
    expect(parseInterfaceMode('Internal')).to.equal(InterfaceMode.Internal);
    expect(InterfaceMode.Internal).to.equal(0x07);
    expect(interfaceModeName(InterfaceMode.Internal)).to.equal('internal');
  });
});
