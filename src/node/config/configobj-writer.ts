import { ConfigError } from '../../core/errors';
import type { ConfigValue } from '../../registry/config-params';
import type { ConfigSection } from './configobj-parser';

/**
 * Writes a config tree in the format {@link parseConfigObj} reads (and Python's ConfigObj
 * reads), so that `parseConfigObj(writeConfigObj(tree))` gives the same names, values and
 * nesting. Keys come before subsections in each section, as the format requires; subsections
 * are indented two spaces per level below the first, as Python RNS writes them.
 *
 * Values are quoted only when they need it (empty, surrounding whitespace, a leading quote, a
 * `,` or a `#`), with `"` or `'`, whichever the value does not contain; a single value that
 * contains both quote characters, or a newline, is written in triple quotes. Throws a
 * {@link ConfigError} for what the format cannot express: a carriage return anywhere, a list
 * item that would need triple quotes, or a name that cannot be quoted.
 */
export function writeConfigObj(root: ConfigSection): string {
  const out: string[] = [];
  writeSection(root, out);
  return out.join('\n') + '\n';
}

function writeSection(section: ConfigSection, out: string[]): void {
  const indent = '  '.repeat(Math.max(0, section.depth - 1));
  const where = section.name === '' ? undefined : section.name;
  if (section.depth > 0) {
    const marker = quoteName(section.name, /[[\]]/, { section: where });
    out.push(`${indent}${'['.repeat(section.depth)}${marker}${']'.repeat(section.depth)}`);
  }
  const valueIndent = section.depth > 0 ? indent + '  ' : '';
  for (const [key, entry] of section.values) {
    const name = quoteName(key, /^[[#]|=/, { section: where, key });
    out.push(`${valueIndent}${name} = ${formatValue(entry.value, { section: where, key })}`);
  }
  for (const child of section.sections.values()) {
    if (child.depth !== section.depth + 1) {
      throw new ConfigError(`subsection depth ${child.depth} is not ${section.depth + 1}`, {
        section: child.name,
      });
    }
    writeSection(child, out);
  }
}

type Where = { section?: string; key?: string };

/** A key or section name, quoted when `special` matches or it would not read back as is. */
function quoteName(name: string, special: RegExp, where: Where): string {
  const plain =
    name !== '' && name === name.trim() && !/^['"]/.test(name) && !special.test(name) && !/[\r\n]/.test(name);
  if (plain) return name;
  if (/[\r\n]/.test(name) || name.trim() === '') {
    throw new ConfigError(`cannot write the name ${JSON.stringify(name)}`, where);
  }
  if (!name.includes('"')) return `"${name}"`;
  if (!name.includes("'")) return `'${name}'`;
  throw new ConfigError(`cannot write a name containing both quote characters`, where);
}

function formatValue(value: ConfigValue, where: Where): string {
  if (typeof value === 'string') return formatItem(value, true, where);
  if (value.length === 0) return ',';
  const items = value.map((item) => formatItem(item, false, where));
  return items.length === 1 ? `${items[0]},` : items.join(', ');
}

function formatItem(item: string, allowTriple: boolean, where: Where): string {
  if (item.includes('\r')) throw new ConfigError('cannot write a value containing a carriage return', where);
  const multiline = item.includes('\n');
  const needsQuotes = item === '' || item !== item.trim() || /^['"]/.test(item) || /[,#]/.test(item);
  if (!needsQuotes && !multiline) return item;
  if (!multiline) {
    if (!item.includes('"')) return `"${item}"`;
    if (!item.includes("'")) return `'${item}'`;
  }
  if (allowTriple) {
    for (const q of ["'''", '"""']) {
      // The reader ends the value at the first triple quote, so the value may not contain
      // one, nor end with the quote character (`a'` + `'''` would close one character early).
      if (!item.includes(q) && !item.endsWith(q[0])) return `${q}${item}${q}`;
    }
  }
  throw new ConfigError(`cannot write the value ${JSON.stringify(item)}`, where);
}
