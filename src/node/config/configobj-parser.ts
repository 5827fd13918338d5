import { ConfigError } from '../../core/errors';
import type { ConfigValue } from '../../registry/config-params';

/** One `key = value` line of a config file. */
export interface ConfigEntry {
  /** The value: unquoted, comment removed; a `string[]` when the value had a comma (a list). */
  readonly value: ConfigValue;
  /** The 1-based line of the key (for a multiline value: the line where it starts). */
  readonly line: number;
}

/**
 * One section of a parsed config file. The root (the whole file) has `name` `''`, `line` 0 and
 * `depth` 0; `[section]` has depth 1, `[[subsection]]` depth 2, and so on. Both maps keep the
 * order of the file. A name is either a key or a section of its parent, never both.
 */
export interface ConfigSection {
  /** The section name, unquoted and trimmed, case kept (`''` for the root). */
  readonly name: string;
  /** The 1-based line of the section marker (0 for the root). */
  readonly line: number;
  /** The number of brackets of the marker (0 for the root). */
  readonly depth: number;
  /** The keys of this section, in file order. */
  readonly values: ReadonlyMap<string, ConfigEntry>;
  /** The subsections, in file order. */
  readonly sections: ReadonlyMap<string, ConfigSection>;
}

/** A section while it is being built (mutable maps). */
interface OpenSection {
  readonly name: string;
  readonly line: number;
  readonly depth: number;
  readonly values: Map<string, ConfigEntry>;
  readonly sections: Map<string, OpenSection>;
}

/** Where the parser is, for error messages. */
interface Place {
  readonly file: string | undefined;
  readonly line: number;
  readonly section: string | undefined;
  readonly key?: string;
}

const TRIPLE_QUOTES = ["'''", '"""'];

/**
 * Parses the ConfigObj subset that Python RNS writes and reads (`RNS/vendor/configobj.py` with
 * its defaults: `list_values` on, no `unrepr`). Throws a {@link ConfigError} naming the file,
 * line, section and (where it applies) key at the first error: like ConfigObj, a file with a
 * syntax error is rejected as a whole.
 *
 * Supported, with ConfigObj's meaning:
 * - `[name]`, `[[name]]`, ...: the bracket count is the depth; a section must be exactly one
 *   level below its parent or a sibling/ancestor level ("too nested" otherwise); the open and
 *   close bracket counts must match. Names are trimmed, may be quoted, and keep their case.
 * - `key = value`: split at the first `=` (or after a quoted key), both sides trimmed.
 * - Blank lines and lines starting with `#` are skipped; after a value, an unquoted `#` starts
 *   an inline comment; a `#` inside quotes is part of the value.
 * - `'...'` and `"..."` quoting (no escapes, as in ConfigObj); the quotes are removed.
 * - A comma makes a list (`string[]`): `a, b`; `a,` is a one-element list; a lone `,` is the
 *   empty list; `"a, b"` stays one string. An empty item (`a,,b`) is an error.
 * - `'''...'''` and `"""..."""` values, on one line or spanning lines (joined with `\n`).
 * - A duplicate key or section name within one parent is an error.
 * - Keys before the first section belong to the root.
 *
 * Not supported (deliberately): interpolation (`%(name)s` and `$name` are kept verbatim),
 * `unrepr` values, and ConfigObj's backtracking quirks such as `"a"b"` meaning `a"b` (an
 * error here). A line starting with `[` must be a valid section marker, and a section name
 * cannot contain `[` or `]` unless quoted.
 *
 * @param text The whole file. A leading byte-order mark is ignored; `\n`, `\r\n` and `\r` all
 *   end lines.
 * @param file The file name for error messages.
 */
export function parseConfigObj(text: string, file?: string): ConfigSection {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const root: OpenSection = newSection('', 0, 0);
  // stack[d] is the open section of depth d; the last one is the current section. (A stack
  // rather than parent links keeps the returned tree free of cycles.)
  const stack: OpenSection[] = [root];
  let current = root;
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineNo = index + 1;
    if (trimmed.startsWith('[')) {
      current = openSection(trimmed, stack, { file, line: lineNo, section: current.name || undefined });
      continue;
    }
    const place: Place = { file, line: lineNo, section: current.name || undefined };
    const { key, rest } = splitKey(raw.trimStart(), place);
    const keyPlace: Place = { ...place, key };
    let value: ConfigValue;
    const valueText = rest.trimStart();
    const triple = TRIPLE_QUOTES.find((q) => valueText.startsWith(q));
    if (triple !== undefined) {
      const multi = readTripleQuoted(valueText, triple, lines, index, keyPlace);
      value = multi.value;
      index = multi.lastIndex;
    } else {
      value = parseInlineValue(valueText.trim(), keyPlace);
    }
    const clash = current.values.get(key)?.line ?? current.sections.get(key)?.line;
    if (clash !== undefined) throw fail(`duplicate key (first defined at line ${clash})`, keyPlace);
    current.values.set(key, Object.freeze({ value, line: lineNo }));
  }
  return root;
}

function newSection(name: string, line: number, depth: number): OpenSection {
  return { name, line, depth, values: new Map(), sections: new Map() };
}

function fail(detail: string, place: Place): ConfigError {
  return new ConfigError(detail, place);
}

/** Parses a `[...]` line, updates the stack of open sections and returns the new current one. */
function openSection(line: string, stack: OpenSection[], place: Place): OpenSection {
  const current = stack[stack.length - 1];
  let pos = 0;
  let open = 0;
  // `[ [name] ]` is valid ConfigObj: whitespace may separate the brackets.
  while (pos < line.length && (line[pos] === '[' || (open > 0 && isSpace(line[pos])))) {
    if (line[pos] === '[') open++;
    pos++;
  }
  let name: string;
  const quote = line[pos];
  if (quote === '"' || quote === "'") {
    const end = line.indexOf(quote, pos + 1);
    if (end < 0) throw fail('unterminated quote in section name', place);
    name = line.slice(pos + 1, end);
    pos = end + 1;
  } else {
    let end = pos;
    while (end < line.length && line[end] !== ']' && line[end] !== '[') end++;
    if (line[end] === '[') throw fail(`invalid section marker '${line}': '[' inside the name`, place);
    name = line.slice(pos, end).trim();
    pos = end;
  }
  if (name.trim() === '') throw fail(`invalid section marker '${line}': empty section name`, place);
  const where: Place = { ...place, section: name };
  let close = 0;
  while (pos < line.length && (line[pos] === ']' || isSpace(line[pos]))) {
    if (line[pos] === ']') close++;
    pos++;
  }
  if (pos < line.length && line[pos] !== '#') {
    throw fail(`invalid section marker '${line}': unexpected text in the marker`, where);
  }
  if (close === 0) throw fail(`invalid section marker '${line}': missing ']'`, where);
  if (open !== close) {
    throw fail(`mismatched brackets: ${open} '[' but ${close} ']', cannot tell the section depth`, where);
  }
  if (open > current.depth + 1) {
    const parent = current.depth === 0 ? 'the top level' : `[${current.name}] (depth ${current.depth})`;
    throw fail(`section too nested: depth ${open} cannot follow ${parent}; add one level at a time`, where);
  }
  const parent = stack[open - 1];
  const clash = parent.sections.get(name)?.line ?? parent.values.get(name)?.line;
  if (clash !== undefined) throw fail(`duplicate section name (first defined at line ${clash})`, where);
  const section = newSection(name, place.line, open);
  parent.sections.set(name, section);
  stack.length = open;
  stack.push(section);
  return section;
}

/** Splits `key = rest` (the line without leading whitespace). */
function splitKey(line: string, place: Place): { key: string; rest: string } {
  const quote = line[0];
  if (quote === '"' || quote === "'") {
    const end = line.indexOf(quote, 1);
    if (end < 0) throw fail('unterminated quote in key', place);
    const key = line.slice(1, end);
    const after = line.slice(end + 1).trimStart();
    if (!after.startsWith('=')) throw fail(`expected '=' after the quoted key ${quote}${key}${quote}`, place);
    return { key, rest: after.slice(1) };
  }
  const eq = line.indexOf('=');
  if (eq < 0) {
    throw fail(`invalid line '${line.trim()}': expected [section] or key = value`, place);
  }
  const key = line.slice(0, eq).trim();
  if (key === '') throw fail('missing key before =', place);
  return { key, rest: line.slice(eq + 1) };
}

/**
 * Parses a one-line value (trimmed): a single string or a comma list, with quoting and an
 * optional trailing comment.
 */
function parseInlineValue(text: string, place: Place): ConfigValue {
  if (text === '' || text.startsWith('#')) return '';
  const items: string[] = [];
  let isList = false;
  let pos = 0;
  if (text[0] === ',') {
    // ConfigObj: a lone comma is the empty list; a list cannot start with a comma.
    pos = skipSpaces(text, 1);
    if (pos >= text.length || text[pos] === '#') return [];
    throw fail(`invalid value '${text}': a list cannot start with ','`, place);
  }
  for (;;) {
    const quote = text[pos];
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) throw fail(`unterminated quote in value '${text}'`, place);
      items.push(text.slice(pos + 1, end));
      pos = skipSpaces(text, end + 1);
      if (pos < text.length && text[pos] !== ',' && text[pos] !== '#') {
        throw fail(`invalid value '${text}': text after a closing quote`, place);
      }
    } else {
      let end = pos;
      while (end < text.length && text[end] !== ',' && text[end] !== '#') end++;
      const item = text.slice(pos, end).trimEnd();
      if (item === '') throw fail(`invalid value '${text}': empty list item`, place);
      items.push(item);
      pos = end;
    }
    if (pos >= text.length || text[pos] === '#') break;
    // text[pos] is a comma: this is a list; a comma at the end closes it.
    isList = true;
    pos = skipSpaces(text, pos + 1);
    if (pos >= text.length || text[pos] === '#') break;
  }
  return isList ? items : items[0];
}

/**
 * Reads a `'''`/`"""` value starting at `lines[index]` (`text` is the value part of that
 * line). Returns the value and the index of the line holding the closing quotes.
 */
function readTripleQuoted(
  text: string,
  quote: string,
  lines: readonly string[],
  index: number,
  place: Place,
): { value: string; lastIndex: number } {
  const first = text.slice(3);
  const close = first.indexOf(quote);
  if (close >= 0) {
    checkAfterClose(first.slice(close + 3), place);
    return { value: first.slice(0, close), lastIndex: index };
  }
  const parts = [first];
  for (let i = index + 1; i < lines.length; i++) {
    const at = lines[i].indexOf(quote);
    if (at < 0) {
      parts.push(lines[i]);
      continue;
    }
    parts.push(lines[i].slice(0, at));
    checkAfterClose(lines[i].slice(at + 3), { ...place, line: i + 1 });
    return { value: parts.join('\n'), lastIndex: i };
  }
  throw fail(`unterminated ${quote} value (no closing ${quote} before the end of the file)`, place);
}

function checkAfterClose(rest: string, place: Place): void {
  const trimmed = rest.trim();
  if (trimmed !== '' && !trimmed.startsWith('#')) {
    throw fail(`unexpected text '${trimmed}' after the closing triple quote`, place);
  }
}

function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

function skipSpaces(text: string, pos: number): number {
  while (pos < text.length && isSpace(text[pos])) pos++;
  return pos;
}
