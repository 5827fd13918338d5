import { expect } from 'chai';
import { ConfigError } from '../../../../src/core/errors';
import { readIfacKeys } from '../../../../src/node/config/ifac-keys';

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
    expect(readIfacKeys('A', {}, 16)).to.equal(null);
    expect(readIfacKeys('A', { ifac_size: '64', networkname: '', passphrase: '' }, 16)).to.equal(null);
  });

  it('reads either spelling of each key; the underscored one wins when both are set', () => {
    expect(readIfacKeys('A', { networkname: 'n', passphrase: 'p' }, 16)).to.deep.equal({
      networkName: 'n',
      passphrase: 'p',
      size: 16,
    });
    expect(readIfacKeys('A', { network_name: 'n2', pass_phrase: 'p2' }, 16)).to.include({
      networkName: 'n2',
      passphrase: 'p2',
    });
    expect(
      readIfacKeys(
        'A',
        {
          networkname: 'a',
          network_name: 'b',
          passphrase: 'c',
          pass_phrase: '',
        },
        16,
      ),
    ).to.include({ networkName: 'b', passphrase: 'c' });
  });

  it('takes ifac_size in bits, rounding down to whole bytes as Python does', () => {
    expect(readIfacKeys('A', { passphrase: 'p', ifac_size: '8' }, 16)?.size).to.equal(1);
    expect(readIfacKeys('A', { passphrase: 'p', ifac_size: '100' }, 16)?.size).to.equal(12);
    expect(readIfacKeys('A', { passphrase: 'p', ifac_size: '512' }, 16)?.size).to.equal(64);
  });

  it("takes the plugin's default size without ifac_size (Python's DEFAULT_IFAC_SIZE of the class)", () => {
    expect(readIfacKeys('A', { networkname: 'n' }, 8)?.size).to.equal(8);
    expect(readIfacKeys('A', { networkname: 'n', ifac_size: '128' }, 8)?.size).to.equal(16);
  });

  it('refuses an ifac_size outside 8..512 bits or not a whole number, naming section and key', () => {
    for (const value of ['7', '0', '-8', '513', '12.5', 'big']) {
      const error = configError(() => readIfacKeys('Secure', { passphrase: 'p', ifac_size: value }, 16));
      expect(error.section, value).to.equal('Secure');
      expect(error.key, value).to.equal('ifac_size');
    }
  });

  it('refuses a list where one value belongs', () => {
    const error = configError(() => readIfacKeys('Secure', { passphrase: ['a', 'b'] }, 16));
    expect(error.key).to.equal('passphrase');
  });
});
