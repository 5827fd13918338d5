import { expect } from 'chai';
import { ConfigParamReader } from '../../../src/registry/config-params';
import { ConfigError } from '../../../src/core/errors';
import { catchConfigError } from '../../helpers/config-error';

describe('ConfigParamReader', () => {
  const reader = (params: Record<string, string | string[]>) => new ConfigParamReader('Public', params);

  it('reads typed values and reports absent keys as undefined', () => {
    const r = reader({ port: '4242', idle: '1.5', flag: 'Yes', hosts: ['a', 'b'], one: 'x, y' });
    expect(r.port('port')).to.equal(4242);
    expect(r.seconds('idle')).to.equal(1.5);
    expect(r.boolean('flag')).to.equal(true);
    expect(r.list('hosts')).to.deep.equal(['a', 'b']);
    expect(r.list('one')).to.deep.equal(['x', 'y']);
    expect(r.port('missing')).to.equal(undefined);
    expect(r.firstPresent('nope', 'port')).to.equal('port');
  });

  it('names the section and key in every error', () => {
    const r = reader({ port: 'abc', t: '-1', n: '1.5', b: 'maybe', big: '70000', l: ['a', 'b'] });
    const cases: Array<[() => unknown, string]> = [
      [() => r.port('port'), "[Public] 'port': expected a number, got 'abc'"],
      [() => r.seconds('t'), "[Public] 't': must be >= 0, got '-1'"],
      [() => r.count('n'), "[Public] 'n': expected an integer, got '1.5'"],
      [() => r.boolean('b'), "[Public] 'b': expected yes/no/true/false/on/off/1/0, got 'maybe'"],
      [() => r.port('big'), "[Public] 'big': must be <= 65535, got '70000'"],
      [() => r.string('l'), "[Public] 'l': expected a single value, got a list"],
    ];
    for (const [fn, message] of cases) {
      const err = catchConfigError(fn);
      expect(err.message).to.equal(message);
      expect(err.section).to.equal('Public');
    }
  });

  it('rejects numbers with trailing junk instead of truncating them', () => {
    expect(() => reader({ p: '42x' }).port('p')).to.throw(ConfigError);
    expect(() => reader({ p: '' }).seconds('p')).to.throw(ConfigError);
  });

  it('reports keys that were never read', () => {
    const r = reader({ port: '1', typo_key: 'x' });
    r.port('port');
    expect(r.unusedKeys()).to.deep.equal(['typo_key']);
  });
});
