import { expect } from 'chai';
import { ConfigError } from '../../../../src/core/errors';
import { defaultIfacSize, readIfacKeys } from '../../../../src/node/config/ifac-keys';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('node config: IFAC keys', () => {
  it('is off without a network name or passphrase, even with ifac_size (as in Python)', () => {
    expect(readIfacKeys('A', 'BackboneInterface', {})).to.equal(null);
    expect(
      readIfacKeys('A', 'BackboneInterface', { ifac_size: '64', networkname: '', passphrase: '' }),
    ).to.equal(null);
  });

  it('reads either spelling of each key; the underscored one wins when both are set', () => {
    expect(readIfacKeys('A', 'BackboneInterface', { networkname: 'n', passphrase: 'p' })).to.deep.equal({
      networkName: 'n',
      passphrase: 'p',
      size: 16,
    });
    expect(readIfacKeys('A', 'BackboneInterface', { network_name: 'n2', pass_phrase: 'p2' })).to.include({
      networkName: 'n2',
      passphrase: 'p2',
    });
    expect(
      readIfacKeys('A', 'BackboneInterface', {
        networkname: 'a',
        network_name: 'b',
        passphrase: 'c',
        pass_phrase: '',
      }),
    ).to.include({ networkName: 'b', passphrase: 'c' });
  });

  it('takes ifac_size in bits, rounding down to whole bytes as Python does', () => {
    expect(readIfacKeys('A', 'BackboneInterface', { passphrase: 'p', ifac_size: '8' })?.size).to.equal(1);
    expect(readIfacKeys('A', 'BackboneInterface', { passphrase: 'p', ifac_size: '100' })?.size).to.equal(12);
    expect(readIfacKeys('A', 'BackboneInterface', { passphrase: 'p', ifac_size: '512' })?.size).to.equal(64);
  });

  it("defaults the size per interface type as Python's classes declare it", () => {
    for (const type of [
      'BackboneInterface',
      'TCPServerInterface',
      'TCPClientInterface',
      'UDPInterface',
      'AutoInterface',
      'I2PInterface',
    ]) {
      expect(defaultIfacSize(type), type).to.equal(16);
    }
    for (const type of [
      'PipeInterface',
      'KISSInterface',
      'SerialInterface',
      'RNodeInterface',
      'AX25KISSInterface',
    ]) {
      expect(defaultIfacSize(type), type).to.equal(8);
    }
    expect(readIfacKeys('A', 'PipeInterface', { networkname: 'n' })?.size).to.equal(8);
  });

  it('refuses an ifac_size outside 8..512 bits or not a whole number, naming section and key', () => {
    for (const value of ['7', '0', '-8', '513', '12.5', 'big']) {
      const error = configError(() =>
        readIfacKeys('Secure', 'BackboneInterface', { passphrase: 'p', ifac_size: value }),
      );
      expect(error.section, value).to.equal('Secure');
      expect(error.key, value).to.equal('ifac_size');
    }
  });

  it('refuses a list where one value belongs', () => {
    const error = configError(() => readIfacKeys('Secure', 'BackboneInterface', { passphrase: ['a', 'b'] }));
    expect(error.key).to.equal('passphrase');
  });
});
