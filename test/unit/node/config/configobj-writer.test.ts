import { expect } from 'chai';
import { ConfigError } from '../../../../src/core/errors';
import type { ConfigValue } from '../../../../src/registry/config-params';
import type { ConfigSection } from '../../../../src/node/config/configobj-parser';
import { writeConfigObj } from '../../../../src/node/config/configobj-writer';

function section(
  name: string,
  depth: number,
  values: Record<string, ConfigValue>,
  sections: ConfigSection[] = [],
): ConfigSection {
  return {
    name,
    line: 0,
    depth,
    values: new Map(Object.entries(values).map(([k, value]) => [k, { value, line: 0 }])),
    sections: new Map(sections.map((s) => [s.name, s])),
  };
}

describe('writeConfigObj', () => {
  it('writes sections indented as Python RNS does, keys before subsections', () => {
    const root = section('', 0, { top: 'x' }, [
      section('interfaces', 1, {}, [
        section('Default Interface', 2, { type: 'AutoInterface', enabled: 'Yes' }),
      ]),
    ]);
    expect(writeConfigObj(root)).to.equal(
      'top = x\n[interfaces]\n  [[Default Interface]]\n    type = AutoInterface\n    enabled = Yes\n',
    );
  });

  it('quotes only values that need it, choosing a quote the value does not contain', () => {
    const cases: Array<[ConfigValue, string]> = [
      ['plain text', 'plain text'],
      ['', '""'],
      [' padded', '" padded"'],
      ['a # b', '"a # b"'],
      ['a, b', '"a, b"'],
      ['say "hi", ok', `'say "hi", ok'`],
      [`it's`, `it's`],
      [`'quoted'`, `"'quoted'"`],
      [`both ' and " #`, `'''both ' and " #'''`],
      [`ends with '`, `ends with '`],
      [`two\nlines`, `'''two\nlines'''`],
      [`x\ny'`, `"""x\ny'"""`],
      [[], ','],
      [['one'], 'one,'],
      [['a', 'b, c', ''], 'a, "b, c", ""'],
    ];
    for (const [value, written] of cases) {
      expect(writeConfigObj(section('', 0, { k: value })), JSON.stringify(value)).to.equal(
        `k = ${written}\n`,
      );
    }
  });

  it('quotes keys and section names that would otherwise read differently', () => {
    const root = section('', 0, { 'a=b': '1', '#k': '2', '[x': '3', ' s ': '4' }, [section('a]b', 1, {})]);
    expect(writeConfigObj(root)).to.equal('"a=b" = 1\n"#k" = 2\n"[x" = 3\n" s " = 4\n["a]b"]\n');
  });

  it('refuses what the format cannot express, with a ConfigError naming the key', () => {
    const refusals: Array<[Record<string, ConfigValue>, RegExp]> = [
      [{ k: 'a\rb' }, /carriage return/],
      [{ k: ['a\nb'] }, /cannot write the value/],
      [{ k: [`' and " ,`] }, /cannot write the value/],
      [{ k: `'''x"""` }, /cannot write the value/],
      [{ [`'"=`]: 'v' }, /both quote/],
    ];
    for (const [values, detail] of refusals) {
      expect(() => writeConfigObj(section('', 0, values)))
        .to.throw(ConfigError, detail)
        .with.property('key', Object.keys(values)[0]);
    }
    expect(() => writeConfigObj(section('', 0, {}, [section('bad', 2, {})]))).to.throw(ConfigError, /depth/);
  });
});
