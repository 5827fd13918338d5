/**
 * docs/errors.md from the error catalogue (src/core/error-codes.ts): each code with the text of
 * its TSDoc comment. `npm run docs:errors` writes it; a test checks it is current.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file runs from scripts/ under ts-node, or from dist/scripts). */
function findRoot(dir: string): string {
  return existsSync(path.join(dir, 'package.json')) ? dir : findRoot(path.dirname(dir));
}

export const ROOT = findRoot(__dirname);

/** The catalogue's source file, relative to the root. */
export const CATALOGUE_PATH = 'src/core/error-codes.ts';

/** The generated page, relative to the root. */
export const ERRORS_DOC_PATH = 'docs/errors.md';

/** One code of the catalogue and its comment's text. */
export interface CatalogueEntry {
  readonly code: string;
  readonly text: string;
}

/** Reads `/** text *\/ export const RNS_ERR_X = 'RNS_ERR_X';` declarations, in file order. */
export function readCatalogue(source: string): CatalogueEntry[] {
  const declaration = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (RNS_ERR_[A-Z0-9_]+) = '([^']*)';/g;
  return [...source.matchAll(declaration)].map((m) => {
    const [, comment = '', code = '', value = ''] = m;
    if (value !== code) throw new Error(`${CATALOGUE_PATH}: ${code} has the value '${value}', not its name`);
    const text = comment
      .split('\n')
      .map((line) => line.replace(/^\s*\*?\s?/, '').trim())
      .filter((line) => line.length > 0)
      .join(' ');
    return { code, text };
  });
}

/** The page listing `entries`. */
export function renderErrorsDoc(entries: readonly CatalogueEntry[]): string {
  const lines = [
    '# Error codes',
    '',
    'Every error rns-net raises on purpose carries a stable code: `err.code` for a program using the',
    'library, `error: <code>: <message>` from the CLI, the `code` field of a log line. Programs',
    'branch on the code, never on the message. The constants are exported by the package',
    '(`import { RNS_ERR_CONFIG } from "rns-net"`).',
    '',
    `This page is generated from \`${CATALOGUE_PATH}\` by \`npm run docs:errors\`; edit the comments`,
    'there, not this file.',
    '',
    ...entries.map((e) => `- [\`${e.code}\`](#${e.code.toLowerCase()})`),
  ];
  for (const entry of entries) lines.push('', `## ${entry.code}`, '', entry.text);
  return `${lines.join('\n')}\n`;
}

/** The page as the catalogue file on disk gives it. */
export function currentErrorsDoc(): string {
  return renderErrorsDoc(readCatalogue(readFileSync(path.join(ROOT, CATALOGUE_PATH), 'utf8')));
}

if (require.main === module) {
  writeFileSync(path.join(ROOT, ERRORS_DOC_PATH), currentErrorsDoc());
  process.stdout.write(`wrote ${ERRORS_DOC_PATH}\n`);
}
