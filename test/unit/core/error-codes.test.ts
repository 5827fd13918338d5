import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as catalogue from '../../../src/core/error-codes';
import {
  CATALOGUE_PATH,
  ERRORS_DOC_PATH,
  ROOT,
  currentErrorsDoc,
  readCatalogue,
} from '../../../scripts/errors-doc';

/**
 * The error catalogue is complete: every `RNS_ERR_*` code the sources name is one of its
 * constants, written through the constant, and listed in docs/errors.md.
 */

/** A source file under src, with its lines. */
interface Source {
  readonly file: string;
  readonly lines: readonly string[];
}

function sources(dir: string): Source[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    if (!entry.name.endsWith('.ts')) return [];
    return [{ file: path.relative(ROOT, full), lines: readFileSync(full, 'utf8').split('\n') }];
  });
}

/** Each occurrence of `pattern` in the sources other than the catalogue, as `file:line`. */
function occurrences(pattern: RegExp): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { file, lines } of sources(path.join(ROOT, 'src'))) {
    if (file === CATALOGUE_PATH) continue;
    lines.forEach((line, i) => {
      for (const match of line.matchAll(pattern)) {
        const code = match[1] as string;
        found.set(code, [...(found.get(code) ?? []), `${file}:${i + 1}`]);
      }
    });
  }
  return found;
}

const CODE = /\b(RNS_ERR_[A-Z0-9_]+)\b/g;
const QUOTED_CODE = /['"](RNS_ERR_[A-Z0-9_]+)['"]/g;

describe('error catalogue (src/core/error-codes.ts)', () => {
  const known = new Set<string>(catalogue.RNS_ERROR_CODES);

  it('defines every RNS_ERR_* code the sources use', () => {
    const missing = [...occurrences(CODE)].filter(([code]) => !known.has(code));
    const advice = missing.map(
      ([code, where]) =>
        `${code} (used at ${where.join(', ')}) is not in the catalogue. Add to ${CATALOGUE_PATH}:\n\n` +
        `  /**\n   * <what happened>. <what the operator or caller does about it>.\n   */\n` +
        `  export const ${code} = '${code}';\n\n` +
        `and ${code} to RNS_ERROR_CODES at the end of that file, then run \`npm run docs:errors\`.`,
    );
    expect(missing.length, `\n${advice.join('\n\n')}\n`).to.equal(0);
  });

  it('is used through its constants, never a code spelled as a string', () => {
    const literals = [...occurrences(QUOTED_CODE)].flatMap(([code, where]) =>
      where.map((w) => `${w}: write ${code} (imported from ${CATALOGUE_PATH}), not '${code}'`),
    );
    expect(literals, `\n${literals.join('\n')}\n`).to.deep.equal([]);
  });

  it('holds no code the sources no longer use', () => {
    const used = occurrences(CODE);
    const unused = [...known].filter((code) => !used.has(code));
    const advice = unused.map((code) => `${code} is used nowhere in src: remove it from ${CATALOGUE_PATH}`);
    expect(unused, `\n${advice.join('\n')}\n`).to.deep.equal([]);
  });

  it('lists every exported constant once, valued as its name, each with a comment', () => {
    const exported = Object.entries(catalogue).filter(([name]) => name.startsWith('RNS_ERR_'));
    for (const [name, value] of exported) expect(value, name).to.equal(name);
    expect(exported.map(([name]) => name)).to.have.members([...catalogue.RNS_ERROR_CODES]);
    expect(new Set(catalogue.RNS_ERROR_CODES).size).to.equal(catalogue.RNS_ERROR_CODES.length);
    const documented = readCatalogue(readFileSync(path.join(ROOT, CATALOGUE_PATH), 'utf8'));
    expect(documented.map((e) => e.code)).to.deep.equal([...catalogue.RNS_ERROR_CODES]);
    for (const entry of documented) expect(entry.text, entry.code).to.have.length.greaterThan(40);
  });

  it(`is what ${ERRORS_DOC_PATH} lists (generated: npm run docs:errors)`, () => {
    const onDisk = readFileSync(path.join(ROOT, ERRORS_DOC_PATH), 'utf8');
    expect(
      onDisk === currentErrorsDoc(),
      `${ERRORS_DOC_PATH} is stale: run \`npm run docs:errors\``,
    ).to.equal(true);
  });
});
