/**
 * Control characters (newline, carriage return, tab, ESC and the rest of C0 and C1, DEL), Unicode
 * format characters (bidirectional overrides, zero-width characters) and line and paragraph
 * separators: what lets a string move the cursor, recolour or clear the screen, or reorder what
 * follows it.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` safe to print on a terminal, one line: every character of {@link UNPRINTABLE} is shown
 * as an escape (`\n`, `\x1b`, `\u{202e}`). The CLI passes everything a peer or an operator
 * supplied (blacklist reasons, interface names, error messages) through it before printing it
 * for people; `--json` output is for programs and stays exact.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const named = NAMED[ch];
    if (named !== undefined) return named;
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
