import { createHash } from 'node:crypto';
import { ByteWriter } from './byte-writer';

/**
 * rns-net's own table files (where Python's file format cannot serve): a small versioned envelope
 * around a kind-specific body.
 *
 * ```
 * "rnsnet" (6 bytes) | format version (u16) | kind length (u8) | kind (ASCII) | body | SHA-256 of all before (32)
 * ```
 *
 * The checksum makes any damage (a truncated copy, a flipped bit, another program's file under
 * the name) a clean "corrupt" instead of a misread table; the kind keeps one table's file from
 * being read as another's; the version lets a later release read older files, and a file from a
 * newer release is refused rather than guessed at.
 */

const MAGIC = Buffer.from('rnsnet', 'latin1');
const CHECKSUM_BYTES = 32;

/** Writes a table file: the envelope's header at once, the checksum at {@link finish}. */
export class TableFileWriter extends ByteWriter {
  private readonly hash;

  constructor(kind: string, version: number) {
    const hash = createHash('sha256');
    super((chunk) => hash.update(chunk));
    this.hash = hash;
    this.bytes(MAGIC);
    this.u16(version);
    this.u8(kind.length);
    this.latin1(kind);
  }

  /** The file as chunks, checksum included. */
  override finish(): Buffer[] {
    const chunks = super.finish();
    chunks.push(this.hash.digest());
    return chunks;
  }
}

/** Reads a table file's body; every read past the end throws (a truncated or damaged file). */
export class ByteReader {
  private at: number;

  constructor(
    private readonly bytes: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.at = start;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.at;
  }

  u8(): number {
    return this.bytes[this.take(1)];
  }

  u16(): number {
    return this.bytes.readUInt16BE(this.take(2));
  }

  u32(): number {
    return this.bytes.readUInt32BE(this.take(4));
  }

  i32le(): number {
    return this.bytes.readInt32LE(this.take(4));
  }

  f64(): number {
    return this.bytes.readDoubleBE(this.take(8));
  }

  /** `length` bytes as a latin1 string (how the transport tables hold bytes). */
  latin1(length: number): string {
    const at = this.take(length);
    return this.bytes.toString('latin1', at, at + length);
  }

  /** `length` bytes as a view (no copy). */
  view(length: number): Buffer {
    const at = this.take(length);
    return this.bytes.subarray(at, at + length);
  }

  /** Throws unless every byte was read (a file with more than it says is damaged too). */
  expectEnd(): void {
    if (this.at !== this.end) throw new Error(`${this.end - this.at} unexpected bytes at the end`);
  }

  private take(length: number): number {
    if (length > this.end - this.at) throw new Error('the file ends early');
    const at = this.at;
    this.at += length;
    return at;
  }
}

/**
 * Checks a table file's envelope and returns a reader of its body and the body's format version.
 *
 * @throws Error naming what is wrong: not a table file, a damaged one (checksum), another kind,
 *   or a version newer than `maxVersion`
 */
export function openTableFile(
  data: Uint8Array,
  kind: string,
  maxVersion: number,
): { readonly reader: ByteReader; readonly version: number } {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
  const headerBytes = MAGIC.length + 3;
  if (bytes.length < headerBytes + CHECKSUM_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`not an rns-net ${kind} file`);
  }
  const end = bytes.length - CHECKSUM_BYTES;
  const digest = createHash('sha256').update(bytes.subarray(0, end)).digest();
  if (!digest.equals(bytes.subarray(end))) throw new Error(`the ${kind} file is damaged (checksum mismatch)`);
  const reader = new ByteReader(bytes, MAGIC.length, end);
  const version = reader.u16();
  const found = reader.latin1(reader.u8());
  if (found !== kind) throw new Error(`a ${found} file, not a ${kind} file`);
  if (version < 1 || version > maxVersion) {
    throw new Error(`${kind} file format ${version} is not one this version reads (1..${maxVersion})`);
  }
  return { reader, version };
}
