import { RuntimeConfigEntry, RuntimeConfigValue } from '../../core/runtime-config';
import { renderTable } from './text-table';

/** A runtime-config value as the table shows it (JSON spelling, so strings and null are told apart). */
export function formatConfigValue(value: RuntimeConfigValue): string {
  return JSON.stringify(value);
}

/** `rns-net config list|get|set|reset` for people: key, value, startup value, source, when it applies. */
export function renderConfigEntries(entries: readonly RuntimeConfigEntry[]): string {
  if (entries.length === 0) return 'no runtime-config settings (no interface exposes any)';
  return renderTable(
    [
      { header: 'key' },
      { header: 'value' },
      { header: 'startup' },
      { header: 'source' },
      { header: 'applies' },
    ],
    entries.map((e) => [
      e.key,
      formatConfigValue(e.value),
      formatConfigValue(e.default),
      e.source,
      e.applyMode,
    ]),
  );
}
