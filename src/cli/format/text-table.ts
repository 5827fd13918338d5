import { printable } from './printable';

/** How a column's cells are aligned. */
export type ColumnAlign = 'left' | 'right';

/** One column of a {@link renderTable}. */
export interface TableColumn {
  /** The header, printed in capitals. */
  readonly header: string;
  /** Numbers read best right-aligned; everything else left. Default left. */
  readonly align?: ColumnAlign;
}

/**
 * Renders rows as an aligned plain-text table: a header line, then one line per row, columns
 * separated by two spaces, trailing spaces trimmed. Plain text (no box drawing, no colour) so
 * it survives any terminal, pager and copy-paste. Cells may hold what peers and operators wrote
 * (reasons, names): each passes through {@link printable}, so a newline or an escape sequence in
 * one cannot break the table or the terminal.
 */
export function renderTable(
  columns: readonly TableColumn[],
  cellRows: readonly (readonly string[])[],
): string {
  const rows = cellRows.map((row) => row.map(printable));
  const headers = columns.map((c) => printable(c.header.toUpperCase()));
  // A loop, not Math.max(...cells): a busy hub's peer list has more rows than a call has arguments.
  const widths = headers.map((h, i) => rows.reduce((max, r) => Math.max(max, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
