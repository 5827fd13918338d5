/**
 * Table keys and bytes held as strings. Reticulum's tables are keyed by 16-byte hashes
 * (destination, link id, truncated packet hash, transport id); they are held as 16-character
 * latin1 strings, one character per byte: compact one-byte strings a Map hashes natively, made
 * without a hex encoding, and the same form `packetHashDigest` returns. Long-lived byte fields
 * (a cached announce, a known destination's key) are held the same way: one string costs a
 * header, where a Buffer costs an object, an ArrayBuffer and a backing store.
 */

/** A 16-byte hash as a table key (see the module comment). */
export type BinaryKey = string;

/**
 * The latin1 string of `length` bytes of `bytes` from `start`: a flat string of its own (never a
 * slice of a larger string, which would keep that one alive).
 */
export function latin1Of(bytes: Uint8Array, start = 0, length = bytes.length - start): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1', start, start + length);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1');
}

/** The key of `length` bytes of `bytes` from `start` (the whole array by default). */
export function binaryKey(bytes: Uint8Array, start = 0, length = bytes.length - start): BinaryKey {
  return latin1Of(bytes, start, length);
}

/** The bytes of a key. */
export function keyBytes(key: BinaryKey): Buffer {
  return Buffer.from(key, 'latin1');
}

/** A key as lowercase hex, for logs, status and the CLI. */
export function keyHex(key: BinaryKey): string {
  return Buffer.from(key, 'latin1').toString('hex');
}

/** The key of a hex string (as an operator types a destination), or undefined if it is not 16 bytes of hex. */
export function keyFromHex(hex: string): BinaryKey | undefined {
  const clean = hex.trim().replace(/^<|>$/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'hex').toString('latin1');
}

/** Whether two byte arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the characters of `text` from `at` are the bytes of `bytes` (no allocation). */
export function latin1Equals(text: string, at: number, bytes: Uint8Array): boolean {
  if (at < 0 || at + bytes.length > text.length) return false;
  for (let i = 0; i < bytes.length; i++) if (text.charCodeAt(at + i) !== bytes[i]) return false;
  return true;
}
