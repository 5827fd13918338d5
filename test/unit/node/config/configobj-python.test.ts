// Cross-checks the parser against Python RNS's own ConfigObj: the same texts must give the same
// tree, or both must reject them. Needs Python RNS (found by test/helpers/python-rns-locator.ts:
// set RNS_PYTHON_PATH, or make `RNS` importable); the suite skips cleanly without it.
import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { parseConfigObj } from '../../../../src/node/config/configobj-parser';
import { writeConfigObj } from '../../../../src/node/config/configobj-writer';
import { DEFAULT_CONFIG_TEXT } from '../../../../src/node/config/default-config';
import { parseNodeConfig } from '../../../../src/node/config/node-config';
import { findPythonRns, PythonRns } from '../../../helpers/python-rns-locator';
import { shapeArb, shapeOf, toSection, type Shape } from './config-shapes';

// Parses each text with Python RNS's vendored ConfigObj (interpolation off: rns-net does not
// interpolate) and prints the trees, or the error, as JSON. It also returns Python RNS's
// example config (`rnsd --exampleconfig`), a long real-world sample.
const SCRIPT = `
import sys, json
from RNS.vendor.configobj import ConfigObj
import RNS.Utilities.rnsd as rnsd

def shape(s):
    return {"values": [[k, s[k]] for k in s.scalars], "sections": [[k, shape(s[k])] for k in s.sections]}

results = []
for text in json.load(sys.stdin):
    try:
        results.append({"tree": shape(ConfigObj(text.split("\\n"), interpolation=False))})
    except Exception as e:
        results.append({"error": type(e).__name__ + ": " + str(e)})
example = rnsd.__example_rns_config__
parsed = ConfigObj(example.split("\\n"), interpolation=False)
def starts(c):
    # Python RNS's rule in Reticulum._synthesize_interface.
    return ("interface_enabled" in c and c.as_bool("interface_enabled")) or ("enabled" in c and c.as_bool("enabled"))
started = [name for name in parsed["interfaces"] if starts(parsed["interfaces"][name])]
print(json.dumps({"results": results, "example": example, "exampleTree": shape(parsed), "exampleStarted": started}))
`;

type PythonResult = { tree: Shape } | { error: string };

interface PythonRun {
  results: PythonResult[];
  example: string;
  exampleTree: Shape;
  exampleStarted: string[];
}

function runPython(rns: PythonRns, texts: string[]): PythonRun {
  const run = spawnSync(rns.python, ['-c', SCRIPT], {
    input: JSON.stringify(texts),
    env: rns.env,
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python failed: ${run.error?.message ?? run.stderr}`);
  return JSON.parse(run.stdout) as PythonRun;
}

/** Our parse of `text` as a shape, or the error. */
function ours(text: string): PythonResult {
  try {
    return { tree: shapeOf(parseConfigObj(text, 'x')) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { error: e.message };
  }
}

const PYTHON_DEFAULT = readFileSync(
  join(__dirname, '../../../fixtures/python-rns-1.4.2-default-config'),
  'utf8',
);

// Valid texts covering every construct; both parsers must build the same tree.
const VALID = [
  PYTHON_DEFAULT,
  DEFAULT_CONFIG_TEXT,
  'top = 1\n[a]\n  k = v # c\n  [[b c]]\n    x = "q # ,"\n    [[[d]]]\n      y = 1\n  [[e]]\n[f]\nz = 2',
  '[ a ]\n[ [ "b" ] ]  # c\n[["c]"]]',
  'a = x, y ,z\nb = one,\nc = ,\nd = "p, q", \'r\' , s # c\ne = x, y, # c\nf = , # c',
  "a = it's\nb = x\"y\"\nc = ''\nd = '  p  '\ne =\nf = # only\ng = a = b\n\"q=k\" = 1\n's k'=2",
  "a = '''has ' and \" and # and ,''' # c\nb = \"\"\"first\n  second\nthird\"\"\" # done\nc = ''''''\nd = after",
  'a = %(b)s\nc = $d',
  '',
  '# only comments\n\n   # indented',
];

// Texts both must reject.
const INVALID = [
  '[a]\n[[[c]]]',
  'k = 1\n[[a]]',
  '[a]\n[[b]',
  '[a]]',
  '[a]\n[b]\n[a]',
  '[i]\n[[x]]\n[[x]]',
  '[x]\nk = 1\nk = 2',
  'a = 1\n[a]',
  '[a]\njust words',
  '[a]\nk = "abc',
  'k = "a" b',
  'k = a,,b',
  'k = , a',
  'k = """abc\nmore',
  "k = '''a''' b",
  'k = """a\nb""" c',
];

describe('ConfigObj parser against Python RNS ConfigObj', function () {
  // Python RNS imports slowly, so every text goes to one Python run.
  const generated = fc.sample(shapeArb(0), { numRuns: 150, seed: 42 });
  const generatedTexts = generated.map((shape) => writeConfigObj(toSection('', 0, shape)));
  let python: PythonRun;

  before(async function () {
    const rns = await findPythonRns();
    // Optional external tool: skip cleanly without Python RNS (set RNS_PYTHON_PATH to run).
    if (rns === undefined) this.skip();
    python = runPython(rns, [...VALID, ...INVALID, ...generatedTexts]);
  });

  it('builds the same tree for every supported construct and rejects the same errors', () => {
    VALID.forEach((text, i) => {
      expect(python.results[i], `Python on ${JSON.stringify(text.slice(0, 60))}`).to.have.property('tree');
      expect(ours(text), JSON.stringify(text.slice(0, 60))).to.deep.equal(python.results[i]);
    });
    INVALID.forEach((text, i) => {
      expect(python.results[VALID.length + i], `Python on ${JSON.stringify(text)}`).to.have.property('error');
      expect(ours(text), JSON.stringify(text)).to.have.property('error');
    });
  });

  it("reads Python RNS's example config (rnsd --exampleconfig) as Python does", () => {
    expect(ours(python.example)).to.deep.equal({ tree: python.exampleTree });
    // And starts exactly the interfaces Python would; any errors name a file, section and key.
    const config = parseNodeConfig(python.example, 'example');
    for (const err of config.errors) {
      expect(err.file).to.equal('example');
      expect(err.key).to.be.a('string');
    }
    expect(config.interfaces.filter((i) => i.enabled).map((i) => i.name)).to.deep.equal(
      python.exampleStarted,
    );
    expect(python.exampleStarted.length).to.be.greaterThan(0);
  });

  it('Python reads what the writer writes, giving the same tree', () => {
    const offset = VALID.length + INVALID.length;
    generated.forEach((shape, i) => {
      expect(python.results[offset + i], generatedTexts[i]).to.deep.equal({ tree: shape });
    });
  });
});
