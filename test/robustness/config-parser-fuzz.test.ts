/**
 * Fuzz checks of the config parsers that the unit suite (test/unit/node/config) does not make:
 * arbitrary Unicode and binary text through the whole node-config path, random parameter maps
 * through the BackboneInterface section parser, and pathological inputs under a time bound.
 * The only documented failure is a {@link ConfigError}.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError } from '../../src/core/errors';
import { parseNodeConfig } from '../../src/node/config/node-config';
import { parseBackboneConfig } from '../../src/plugins/backbone';
import { SeededRandom } from './support/hostile-clients';

/** Parses `text` as a node config; anything thrown must be a ConfigError naming the file. */
function parsesOrConfigError(text: string): void {
  try {
    const config = parseNodeConfig(text, 'fuzz.conf');
    for (const error of config.errors) expect(error).to.be.instanceOf(ConfigError);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).file).to.equal('fuzz.conf');
  }
}

/** Milliseconds `run` takes. */
function timed(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('robustness: config parser fuzz', () => {
  it('arbitrary Unicode text (lone surrogates, controls, NUL) parses or throws a ConfigError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => parsesOrConfigError(text)),
      { numRuns: 500 },
    );
  });

  it('random bytes decoded as UTF-8 and as Latin-1 parse or throw a ConfigError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        parsesOrConfigError(Buffer.from(bytes).toString('utf8'));
        parsesOrConfigError(Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: 500 },
    );
  });

  it('random BackboneInterface parameters give a config or a ConfigError naming the section', () => {
    const keys = fc.constantFrom(
      'port',
      'listen_port',
      'target_port',
      'listen_ip',
      'listen_on',
      'remote',
      'target_host',
      'device',
      'idle_timeout',
      'write_stall_timeout',
      'max_penalty_duration',
      'max_connections',
      'reconnect_wait',
      'max_reconnect_tries',
      'connect_timeout',
      'transport_identity',
      'prefer_ipv6',
      'junk_key',
    );
    const value = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        '0',
        '-1',
        '1e9',
        'NaN',
        'Infinity',
        '65536',
        '4242',
        '0x10',
        '1.5',
        'yes',
        '::1',
      ),
      fc.constantFrom('127.0.0.1', '999.1.1.1', 'fe80::1%lo', 'no-such-device', '  7  ', '\u0000'),
      fc.string({ maxLength: 20 }),
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.dictionary(keys, value, { maxKeys: 8 }), (params) => {
        try {
          const config = parseBackboneConfig('Fuzz', 1, params, { networkInterfaces: {} });
          expect(config.mode).to.be.oneOf(['server', 'client']);
        } catch (error) {
          expect(error).to.be.instanceOf(ConfigError);
          expect((error as ConfigError).section).to.equal('Fuzz');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('parses pathological inputs of about 1 MB in linear time', () => {
    const rng = new SeededRandom(11);
    const alphabet = '[]#=,"\' \n\tab\\';
    const random = Array.from({ length: 1_000_000 }, () => alphabet[rng.int(0, alphabet.length - 1)]).join(
      '',
    );
    const inputs: Record<string, string> = {
      'random config alphabet': random,
      'deep section markers': `${'['.repeat(200_000)}x${']'.repeat(200_000)}\n`,
      'unterminated triple quote': `[interfaces]\n  [[A]]\n    k = """${'x\n'.repeat(300_000)}`,
      'many quotes and commas on one line': `[a]\nk = ${'"a", \'b\', # c, '.repeat(60_000)}\n`,
      'many sections': Array.from({ length: 40_000 }, (_, i) => `[s${i}]\nk = v`).join('\n'),
      'long key': `[a]\n${'k'.repeat(1_000_000)} = v\n`,
      'blank and comment lines': '#\n\n   \n'.repeat(200_000),
    };
    for (const [name, text] of Object.entries(inputs)) {
      const ms = timed(() => parsesOrConfigError(text));
      // Linear parsing of ~1 MB takes tens of ms; a quadratic path takes minutes.
      expect(ms, name).to.be.below(2000);
    }
  });
});
