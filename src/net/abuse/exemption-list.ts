import { normalizeCidr } from '../../core/ip-address';

/**
 * Splits a comma-separated `penalty_exempt` value into entries, each validated and written in
 * its canonical form (`normalizeCidr`), so a typo is reported where it was written (config file
 * or runtime config) and never reaches the tracker. An empty value means no exemptions.
 *
 * @throws Error naming the first invalid entry.
 */
export function parseExemptionList(entries: readonly string[]): string[] {
  const result: string[] = [];
  for (const raw of entries) {
    if (raw.trim().length === 0) continue;
    const entry = normalizeCidr(raw);
    if (entry === undefined) throw new Error(`'${raw.trim()}' is not an IP address or CIDR range`);
    result.push(entry);
  }
  return result;
}

/** Parses the comma-separated text form (the runtime setting's value). */
export function parseExemptionText(text: string): string[] {
  return parseExemptionList(text.split(','));
}

/** The text form of an exemption list, as the runtime setting reports it. */
export function formatExemptionList(entries: readonly string[]): string {
  return entries.join(',');
}
