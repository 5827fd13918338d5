import { expect } from 'chai';
import { ConfigError } from '../../../../src/core/errors';
import { parseConfigObj, type ConfigSection } from '../../../../src/node/config/configobj-parser';

/** The values of a section as a plain object, for compact assertions. */
function values(section: ConfigSection): Record<string, unknown> {
  return Object.fromEntries([...section.values].map(([k, e]) => [k, e.value]));
}

function sub(section: ConfigSection, ...path: string[]): ConfigSection {
  let s = section;
  for (const name of path) {
    const next = s.sections.get(name);
    if (next === undefined) throw new Error(`no section ${name} in ${s.name}`);
    s = next;
  }
  return s;
}

/** Parses and returns the thrown ConfigError (failing if none is thrown). */
function parseError(text: string): ConfigError {
  try {
    parseConfigObj(text, '/etc/rns/config');
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return e as ConfigError;
  }
  expect.fail(`no error for ${JSON.stringify(text)}`);
}

describe('parseConfigObj', () => {
  it('reads sections, subsections and keys with their lines and depths', () => {
    const text = [
      'top = 1', // 1
      '[reticulum]', // 2
      '  enable_transport = False', // 3
      '', // 4
      '[interfaces]', // 5
      '  [[Default Interface]]', // 6
      '    type = AutoInterface', // 7
      '  [[Other]]', // 8
      '    type = BackboneInterface', // 9
      '[logging]', // 10
      'loglevel = 4', // 11
    ].join('\n');
    const root = parseConfigObj(text);
    expect(root.name).to.equal('');
    expect(root.depth).to.equal(0);
    expect(values(root)).to.deep.equal({ top: '1' });
    expect([...root.sections.keys()]).to.deep.equal(['reticulum', 'interfaces', 'logging']);
    const iface = sub(root, 'interfaces', 'Default Interface');
    expect(iface.depth).to.equal(2);
    expect(iface.line).to.equal(6);
    expect(iface.values.get('type')).to.deep.equal({ value: 'AutoInterface', line: 7 });
    expect(sub(root, 'interfaces', 'Other').line).to.equal(8);
    expect(sub(root, 'logging').line).to.equal(10);
    expect(sub(root, 'logging').values.get('loglevel')?.line).to.equal(11);
    expect(sub(root, 'reticulum').depth).to.equal(1);
  });

  it('climbs back from a deep section to a shallower one', () => {
    const root = parseConfigObj('[a]\n[[b]]\n[[[c]]]\nx = 1\n[[d]]\ny = 2\n[e]\nz = 3');
    expect(values(sub(root, 'a', 'b', 'c'))).to.deep.equal({ x: '1' });
    expect(values(sub(root, 'a', 'd'))).to.deep.equal({ y: '2' });
    expect(values(sub(root, 'e'))).to.deep.equal({ z: '3' });
  });

  it('accepts whitespace inside markers, quoted section names and trailing comments', () => {
    const root = parseConfigObj('[ a ]  # comment\n[ [ "b c" ] ]\n  [["#x"]] # c');
    expect(sub(root, 'a', 'b c').depth).to.equal(2);
    expect(sub(root, 'a', '#x').depth).to.equal(2);
  });

  it('keeps the case of section names and keys', () => {
    const root = parseConfigObj('[Interfaces]\nType = X');
    expect(values(sub(root, 'Interfaces'))).to.deep.equal({ Type: 'X' });
  });

  it('skips comments and blank lines, and strips inline comments from unquoted values', () => {
    const root = parseConfigObj(
      '# full line\n   # indented\n\n[a]\nk = value # inline\nj = v#tight\nempty =\nc = # only',
    );
    expect(values(sub(root, 'a'))).to.deep.equal({ k: 'value', j: 'v', empty: '', c: '' });
  });

  it('keeps # and , inside quotes and unquotes single and double quotes', () => {
    const root = parseConfigObj(
      [
        'a = "x # y"',
        "b = 'p, q' # comment",
        'c = "it\'s"',
        'd = \'say "hi"\'',
        'e = ""',
        "f = '  padded  '",
      ].join('\n'),
    );
    expect(values(root)).to.deep.equal({
      a: 'x # y',
      b: 'p, q',
      c: "it's",
      d: 'say "hi"',
      e: '',
      f: '  padded  ',
    });
  });

  it('splits a key at the first = and trims both sides', () => {
    const root = parseConfigObj('  key   =   a = b  \n"q=k" = 1\n\'s k\'=2');
    expect(values(root)).to.deep.equal({ key: 'a = b', 'q=k': '1', 's k': '2' });
  });

  it('keeps quote characters inside unquoted values', () => {
    expect(values(parseConfigObj(`a = it's\nb = x"y"`))).to.deep.equal({ a: "it's", b: 'x"y"' });
  });

  it('reads comma lists as ConfigObj does', () => {
    const root = parseConfigObj(
      [
        'a = x, y ,z',
        'b = one,',
        'c = ,',
        'd = "p, q", \'r\' , s # comment',
        'e = x, y, # trailing comma',
        'f = , # empty with comment',
      ].join('\n'),
    );
    expect(values(root)).to.deep.equal({
      a: ['x', 'y', 'z'],
      b: ['one'],
      c: [],
      d: ['p, q', 'r', 's'],
      e: ['x', 'y'],
      f: [],
    });
  });

  it('reads triple-quoted values on one line and across lines', () => {
    const text = [
      "a = '''has ' and \" and # and ,''' # comment",
      'b = """first',
      '  second',
      'third""" # done',
      "c = ''''''",
      'd = after',
    ].join('\n');
    const root = parseConfigObj(text);
    expect(values(root)).to.deep.equal({
      a: 'has \' and " and # and ,',
      b: 'first\n  second\nthird',
      c: '',
      d: 'after',
    });
    expect(root.values.get('b')?.line).to.equal(2);
    expect(root.values.get('d')?.line).to.equal(6);
  });

  it('leaves interpolation syntax as it is', () => {
    expect(values(parseConfigObj('a = %(b)s\nc = $d'))).to.deep.equal({ a: '%(b)s', c: '$d' });
  });

  it('accepts CRLF and CR line ends and a byte-order mark', () => {
    const root = parseConfigObj('\uFEFF[a]\r\nk = 1\r\n[b]\rj = 2');
    expect(values(sub(root, 'a'))).to.deep.equal({ k: '1' });
    expect(values(sub(root, 'b'))).to.deep.equal({ j: '2' });
    expect(sub(root, 'b').line).to.equal(3);
  });

  it('reads an empty file as an empty root', () => {
    const root = parseConfigObj('');
    expect(root.values.size).to.equal(0);
    expect(root.sections.size).to.equal(0);
  });

  describe('errors name the file, line, section and key', () => {
    const cases: Array<{
      name: string;
      text: string;
      line: number;
      section?: string;
      key?: string;
      detail: RegExp;
    }> = [
      {
        name: 'a section two levels below its parent',
        text: '[a]\n[[[c]]]',
        line: 2,
        section: 'c',
        detail: /too nested/,
      },
      {
        name: 'a subsection at the top level',
        text: 'k = 1\n[[a]]',
        line: 2,
        section: 'a',
        detail: /too nested/,
      },
      {
        name: 'mismatched brackets',
        text: '[a]\n[[b]',
        line: 2,
        section: 'b',
        detail: /mismatched brackets/,
      },
      {
        name: 'mismatched brackets (more closing)',
        text: '[a]]',
        line: 1,
        section: 'a',
        detail: /mismatched/,
      },
      { name: 'a missing closing bracket', text: '[a', line: 1, section: 'a', detail: /missing '\]'/ },
      { name: 'an empty section name', text: '[ ]', line: 1, detail: /empty section name/ },
      { name: 'text after a marker', text: '[a] x', line: 1, section: 'a', detail: /unexpected text/ },
      {
        name: 'a duplicate section',
        text: '[a]\n[b]\n[a]',
        line: 3,
        section: 'a',
        detail: /duplicate section.*line 1/,
      },
      {
        name: 'a duplicate subsection in one parent',
        text: '[i]\n[[x]]\n[[x]]',
        line: 3,
        section: 'x',
        detail: /duplicate section/,
      },
      {
        name: 'a duplicate key',
        text: '[i]\n[[x]]\nk = 1\nk = 2',
        line: 4,
        section: 'x',
        key: 'k',
        detail: /duplicate key.*line 3/,
      },
      {
        name: 'a section named like a key',
        text: 'a = 1\n[a]',
        line: 2,
        section: 'a',
        detail: /duplicate section/,
      },
      { name: 'a line without =', text: '[a]\njust words', line: 2, section: 'a', detail: /invalid line/ },
      { name: 'an empty key', text: '[a]\n = 3', line: 2, section: 'a', detail: /missing key/ },
      {
        name: 'an unterminated quote',
        text: '[a]\nk = "abc',
        line: 2,
        section: 'a',
        key: 'k',
        detail: /unterminated/,
      },
      {
        name: 'text after a closing quote',
        text: 'k = "a" b',
        line: 1,
        key: 'k',
        detail: /after a closing quote/,
      },
      { name: 'an empty list item', text: 'k = a,,b', line: 1, key: 'k', detail: /empty list item/ },
      { name: 'a list starting with a comma', text: 'k = , a', line: 1, key: 'k', detail: /cannot start/ },
      {
        name: 'an unterminated triple quote',
        text: '[s]\nk = """abc\nmore',
        line: 2,
        section: 's',
        key: 'k',
        detail: /unterminated """/,
      },
      {
        name: 'text after a triple quote',
        text: "k = '''a''' b",
        line: 1,
        key: 'k',
        detail: /after the closing/,
      },
      {
        name: 'text after a multiline closing quote',
        text: 'k = """a\nb""" c',
        line: 2,
        key: 'k',
        detail: /after the closing/,
      },
      { name: 'an unterminated quoted key', text: '"k = 1', line: 1, detail: /unterminated quote in key/ },
      { name: 'a quoted key without =', text: '"k" 1', line: 1, detail: /expected '='/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const err = parseError(c.text);
        expect(err.code).to.equal('RNS_ERR_CONFIG');
        expect(err.file).to.equal('/etc/rns/config');
        expect(err.line, 'line').to.equal(c.line);
        expect(err.section, 'section').to.equal(c.section);
        expect(err.key, 'key').to.equal(c.key);
        expect(err.detail).to.match(c.detail);
        expect(err.message).to.contain(`/etc/rns/config:${c.line}`);
        if (c.section !== undefined) expect(err.message).to.contain(`[${c.section}]`);
        if (c.key !== undefined) expect(err.message).to.contain(`'${c.key}'`);
      });
    }
  });
});
