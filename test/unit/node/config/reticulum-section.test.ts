import { expect } from 'chai';
import { ConfigError } from '../../../../src/core/errors';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { parseNodeConfig } from '../../../../src/node/config/node-config';

const FILE = '/etc/rns/config';

function reticulum(...lines: string[]) {
  return parseNodeConfig(['[reticulum]', ...lines.map((l) => `  ${l}`), '[interfaces]'].join('\n'), FILE);
}

describe('[reticulum] section', () => {
  describe('forwarding mode', () => {
    it('enable_transport = yes selects the transport engine', () => {
      const config = reticulum('enable_transport = Yes');
      expect(config.reticulumSettings.routing).to.equal('transport');
      expect(config.reticulumSettings.routingError).to.equal(null);
      expect(config.errors).to.deep.equal([]);
    });

    it('relay_mode = flood selects the shared-medium relay', () => {
      const config = reticulum('enable_transport = no', 'relay_mode = flood');
      expect(config.reticulumSettings.routing).to.equal('flood');
      expect(config.errors).to.deep.equal([]);
    });

    it('neither is an error naming both choices (Python defaults to transport off)', () => {
      for (const config of [reticulum(), reticulum('enable_transport = False'), parseNodeConfig('', FILE)]) {
        expect(config.reticulumSettings.routing).to.equal(null);
        const error = config.reticulumSettings.routingError as ConfigError;
        expect(error).to.be.instanceOf(ConfigError);
        expect(error.message).to.contain('enable_transport = yes').and.to.contain('relay_mode = flood');
        expect(error.section).to.equal('reticulum');
      }
    });

    it('both at once is an error on the relay_mode line', () => {
      const config = reticulum('enable_transport = yes', 'relay_mode = flood');
      expect(config.reticulumSettings.routing).to.equal(null);
      const error = config.reticulumSettings.routingError as ConfigError;
      expect(error.message).to.match(/exclude each other/);
      expect(error.key).to.equal('relay_mode');
      expect(error.line).to.equal(3);
    });

    it('rejects an unknown relay mode and a non-boolean enable_transport, naming file, line and key', () => {
      const config = reticulum('enable_transport = perhaps', 'relay_mode = mesh');
      expect(config.errors.map((e) => [e.key, e.line, e.file])).to.deep.equal([
        ['enable_transport', 2, FILE],
        ['relay_mode', 3, FILE],
      ]);
    });
  });

  describe('interface defaults', () => {
    it("gives Python's transport announce rate defaults with transport on, none when relaying", () => {
      expect(reticulum('enable_transport = yes').reticulumSettings.interfaceDefaults).to.deep.include({
        transport: true,
        announceRateTarget: 3600,
        announceRateGrace: 5,
        announceRatePenalty: 0,
      });
      expect(reticulum('relay_mode = flood').reticulumSettings.interfaceDefaults).to.deep.include({
        transport: false,
        announceRateTarget: null,
      });
    });

    it('default_ar_* override the announce rate defaults; default_ar_target = 0 turns the limit off', () => {
      const config = reticulum(
        'enable_transport = yes',
        'default_ar_target = 600',
        'default_ar_grace = 1',
        'default_ar_penalty = 30',
      );
      expect(config.reticulumSettings.interfaceDefaults).to.deep.include({
        announceRateTarget: 600,
        announceRateGrace: 1,
        announceRatePenalty: 30,
      });
      const off = reticulum('enable_transport = yes', 'default_ar_target = 0');
      expect(off.reticulumSettings.interfaceDefaults.announceRateTarget).to.equal(null);
    });

    it('reads every node-wide ic_*/ec_* key as the default of every interface', () => {
      const config = reticulum(
        'enable_transport = yes',
        'ic_max_held_announces = 64',
        'ic_burst_hold = 5',
        'ic_burst_freq_new = 1',
        'ic_burst_freq = 2',
        'ic_pr_burst_freq_new = 3',
        'ic_pr_burst_freq = 4',
        'ic_new_time = 60',
        'ic_burst_penalty = 6',
        'ic_held_release_interval = 7',
        'egress_control = yes',
        'ec_pr_freq = 8',
      );
      expect(config.errors).to.deep.equal([]);
      expect(config.notices).to.deep.equal([]);
      expect(config.reticulumSettings.interfaceDefaults.ingressControl).to.deep.equal({
        enabled: DEFAULT_INGRESS_CONTROL.enabled,
        maxHeldAnnounces: 64,
        burstHold: 5,
        burstFreqNew: 1,
        burstFreq: 2,
        prBurstFreqNew: 3,
        prBurstFreq: 4,
        newTime: 60,
        burstPenalty: 6,
        heldReleaseInterval: 7,
        egressControl: true,
        ecPrFreq: 8,
      });
    });

    it('reports a bad node-wide value on its own line and keeps the default', () => {
      const config = reticulum('enable_transport = yes', 'ic_burst_freq = -3');
      expect(config.errors.map((e) => [e.key, e.line])).to.deep.equal([['ic_burst_freq', 3]]);
      expect(config.reticulumSettings.interfaceDefaults.ingressControl.burstFreq).to.equal(10);
    });
  });

  it('lists the keys rns-net does not use in one notice', () => {
    const config = reticulum('enable_transport = yes', 'share_instance = Yes', 'instance_name = default');
    expect(config.notices).to.deep.equal([
      `${FILE}:1: [reticulum] keys not used by rns-net: share_instance, instance_name`,
    ]);
  });
});
