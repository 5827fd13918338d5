import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError } from '../../../../src/core/errors';
import { parseConfigObj, type ConfigSection } from '../../../../src/node/config/configobj-parser';
import { writeConfigObj } from '../../../../src/node/config/configobj-writer';
import { buildNodeConfig } from '../../../../src/node/config/node-config';
import { shapeArb, shapeOf, toSection } from './config-shapes';

describe('ConfigObj round trip and robustness (property tests)', () => {
  it('parse(write(tree)) gives back the same sections, keys and values', () => {
    fc.assert(
      fc.property(shapeArb(0), (shape) => {
        const text = writeConfigObj(toSection('', 0, shape));
        const parsed = parseConfigObj(text, 'generated');
        expect(shapeOf(parsed)).to.deep.equal(shape);
        // Every recorded line points at the marker or key it belongs to.
        const lines = text.split('\n');
        const check = (s: ConfigSection): void => {
          if (s.depth > 0) expect(lines[s.line - 1].trim().startsWith('['.repeat(s.depth))).to.equal(true);
          for (const entry of s.values.values()) expect(lines[entry.line - 1]).to.contain(' = ');
          for (const child of s.sections.values()) check(child);
        };
        check(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('random text either parses or throws a ConfigError, never anything else', () => {
    const chars = ['[', ']', '#', '=', ',', '"', "'", ' ', '\n', '\r', 'a', 'b', '\t', '\uFEFF', '%'];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...chars), maxLength: 200 }), (text) => {
        assertParsesOrConfigError(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('random config-like lines either parse or throw a ConfigError, never anything else', () => {
    const fragment = fc.constantFrom(
      '[reticulum]',
      '[interfaces]',
      '[logging]',
      '[[A]]',
      '[[B]]',
      '[[[C]]]',
      '[ [D] ]',
      '[[E]',
      'type = BackboneInterface',
      'enabled = yes',
      'interface_enabled = maybe',
      'mode = gw',
      'interface_mode = odd',
      'loglevel = 4',
      'loglevel = 12',
      'k = "a # b, c"',
      "k2 = 'x', y,",
      'k3 = ,',
      'k4 = """',
      '"""',
      "k5 = '''one'''",
      '# comment',
      '',
      '  ',
      'junk',
      '= v',
      '"q" = 1',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (lines) => {
        assertParsesOrConfigError(lines.join('\n'));
      }),
      { numRuns: 1000 },
    );
  });

  it('parses a large generated file quickly (no super-linear paths)', () => {
    const lines = ['[interfaces]'];
    for (let i = 0; i < 2000; i++) {
      lines.push(
        `  [[i${i}]]`,
        '    type = BackboneInterface',
        '    enabled = yes',
        `    v = ${'a, '.repeat(50)}b # c`,
      );
    }
    lines.push('    k = "' + '#,'.repeat(20000) + '"');
    const started = process.hrtime.bigint();
    const config = buildNodeConfig(parseConfigObj(lines.join('\n')), 'big');
    expect(config.interfaces).to.have.length(2000);
    expect(config.interfaces[1999].params.k).to.equal('#,'.repeat(20000));
    expect(config.interfaces[0].params.v).to.have.length(51);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(2000);
  });
});

function assertParsesOrConfigError(text: string): void {
  let tree: ConfigSection;
  try {
    tree = parseConfigObj(text, 'random');
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    expect((e as ConfigError).file).to.equal('random');
    expect((e as ConfigError).line).to.be.a('number');
    return;
  }
  // Whatever parses can be interpreted without throwing: problems become errors and notices.
  const config = buildNodeConfig(tree, 'random');
  for (const err of config.errors) expect(err).to.be.instanceOf(ConfigError);
}
