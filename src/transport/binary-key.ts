/**
 * Table keys. Every transport table is keyed by a 16-byte hash (destination, link id, truncated
 * packet hash, transport id); the engine holds those as 16-character latin1 strings, one
 * character per byte: compact one-byte strings the Map hashes natively, made without a hex
 * encoding, and the same form `packetHashDigest` returns, so a truncated packet hash is just its
 * digest's first 16 characters.
 */

/** A 16-byte hash as a table key (see the module comment). */
export type BinaryKey = string;

/** The key of `length` bytes of `bytes` from `start` (the whole array by default). */
export function binaryKey(bytes: Uint8Array, start = 0, length = bytes.length - start): BinaryKey {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1', start, start + length);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1');
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
