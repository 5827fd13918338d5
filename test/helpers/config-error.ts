import { expect } from 'chai';
import { ConfigError } from '../../src/core/errors';
import { ConfigParams } from '../../src/registry/config-params';

/** Runs `fn` and returns the {@link ConfigError} it throws; fails the test if it throws anything else or nothing. */
export function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/**
 * Declares one test per `[key, value]` case: parsing `{ [key]: value }` in section `section`
 * fails with a ConfigError that names the section and the key.
 */
export function itRejectsNamingSectionAndKey(
  section: string,
  cases: ReadonlyArray<readonly [string, string]>,
  parse: (params: ConfigParams) => unknown,
): void {
  for (const [key, value] of cases) {
    it(`rejects ${key} = '${value}' naming the interface and key`, () => {
      const err = catchConfigError(() => parse({ [key]: value }));
      expect(err.code).to.equal('RNS_ERR_CONFIG');
      expect(err.section).to.equal(section);
      expect(err.key).to.equal(key);
      expect(err.message).to.include(`[${section}]`).and.include(`'${key}'`);
    });
  }
}
