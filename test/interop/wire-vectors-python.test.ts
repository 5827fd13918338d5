/**
 * Python RNS checks what the TS wire layer makes: identity files, announces, link proofs, IFAC
 * frames and a known-destinations file (`test/vectors/generate.py --verify`). Skips without
 * Python RNS (set RNS_PYTHON_PATH).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { findPythonRns, PythonRns } from '../helpers/python-rns-locator';
import { makeTsVectors } from '../vectors/ts-made';

const GENERATOR = path.join(__dirname, '../vectors/generate.py');

describe('interop: Python RNS verifies TS-made wire items', function () {
  this.timeout(60_000);
  let rns: PythonRns;
  let dir: string;

  before(async function () {
    const found = await findPythonRns();
    if (found === undefined) this.skip();
    rns = found;
    dir = await mkdtemp(path.join(tmpdir(), 'rns-net-ts-made-'));
  });

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('passes generate.py --verify: every item PASS, none FAIL', async () => {
    const file = path.join(dir, 'ts-made.json');
    await writeFile(file, JSON.stringify(makeTsVectors()));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        rns.python,
        [GENERATOR, '--verify', file],
        { env: rns.env, timeout: 50_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
    });
    const lines = output.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).to.deep.equal([]);
    for (const kind of ['identity', 'announce', 'link_proof', 'ifac', 'known_destinations']) {
      expect(
        lines.some((l) => l.startsWith(`PASS ${kind}`)),
        kind,
      ).to.equal(true);
    }
    expect(lines[lines.length - 1]).to.equal('OK: 0 failure(s)');
  });
});
