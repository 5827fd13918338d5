import { RuntimeConfigValue } from '../core/runtime-config';

/**
 * Parses the VALUE of `rns-net config set KEY VALUE`: a JSON number, `true`, `false` or `null`
 * becomes that value; anything else is the string as typed (so `set k 30` sends the number 30,
 * and `set k '"30"'` or `set k abc` a string). The node checks the type against the setting.
 */
export function parseConfigValue(text: string): RuntimeConfigValue {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) {
    const value = Number(trimmed);
    if (Number.isFinite(value)) return value;
  }
  if (/^".*"$/s.test(trimmed)) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // Not valid JSON string syntax: keep the text as typed.
    }
  }
  return text;
}
